// The run viewer's speed, in headless Chromium on a cross-origin-isolated page, through the engine
// worker's own requests (the envelope of web/engine/worker.js, lra-protocol's JSON):
//   (a) a window of lines at random places past 4 GiB in a 5 GiB file (a 64 MiB generated log
//       repeated; VIEWER_GIB sets the size), after the file was analysed: ms per window, median
//       and worst of 20;
//   (b) a search for a string the file does not hold, over its first 1 GiB, against the
//       worker's raw read of the same bytes in the same run: the ratio.
// Run with `node benches/viewer.mjs` after `make dist`.

import { benchPage, generatedLog } from "./generated.mjs";

const GIB = Number(process.env.VIEWER_GIB || 5);
const LOG = "browser-64M.log";
generatedLog(LOG, ["--tests", "200", "--flaky", "10", "--size", "64M"]);

const { page, close } = await benchPage();
try {
  const result = await page.evaluate(
    async ({ gib, log }) => {
      const piece = await (await fetch(`/fixtures/${log}`)).blob();
      const copies = Math.ceil((gib * 2 ** 30) / piece.size);
      const file = new File(Array(copies).fill(piece), "big.log");
      const gibFile = new File(Array(Math.ceil(2 ** 30 / piece.size)).fill(piece), "one.log");
      const worker = new Worker("./engine/worker.js", { type: "module" });
      const waiting = new Map();
      let next = 1;
      worker.onmessage = ({ data }) => {
        if (data.id === null) return waiting.get("ready")?.(JSON.parse(data.reply));
        const reply = data.reply ? JSON.parse(data.reply) : data;
        if (reply.type === "progress") return;
        waiting.get(data.id)?.(reply);
      };
      const ask = (message) =>
        new Promise((resolve) => {
          const id = next++;
          waiting.set(id, resolve);
          worker.postMessage({ id, ...message });
        });
      await new Promise((resolve) => waiting.set("ready", resolve));
      const request = (r) => ({ request: JSON.stringify(r) });
      const reading = { name_mode: "line", markers: { test: "Test: ", result: "Result: ", iteration: "Iteration ", ignore_case: false }, format: null, iteration_per_file: false };
      const analyze = (f) => ask({ ...request({ type: "analyze", body: { names: [f.name], reading, adopt: true } }), files: [f] });
      await analyze(file);
      // (a) windows at random places past 4 GiB.
      const times = [];
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let i = 0; i < 20; i++) {
        const offset = Math.floor(2 ** 32 + random() * (file.size - 2 ** 32 - 1));
        const t0 = performance.now();
        const reply = await ask(request({ type: "lines", body: { at: { file: 0, line: null, offset }, before: 12, after: 40, test: null } }));
        times.push(performance.now() - t0);
        if (reply.type !== "lines") throw new Error(JSON.stringify(reply));
      }
      times.sort((a, b) => a - b);
      // (b) a search that finds nothing in 1 GiB, against the raw read of the same bytes.
      await ask(request({ type: "clear" }));
      await analyze(gibFile);
      const t1 = performance.now();
      let from = 0;
      for (;;) {
        const reply = await ask(request({ type: "search", body: { file: 0, from, text: "no such text anywhere", forward: true } }));
        if (reply.type !== "found") throw new Error(JSON.stringify(reply));
        if (reply.body.done) break;
        from = reply.body.next;
      }
      const searched = (performance.now() - t1) / 1000;
      const read = (await ask({ read: [gibFile] })).seconds;
      worker.terminate();
      return { size: file.size, median: times[10], worst: times[19], gib: gibFile.size, searched, read };
    },
    { gib: GIB, log: LOG },
  );
  const mbs = (bytes, s) => `${Math.round(bytes / s / 1e6)} MB/s`;
  console.log(`(a) a window of lines past 4 GiB in a ${(result.size / 2 ** 30).toFixed(1)} GiB file: median ${result.median.toFixed(1)} ms, worst ${result.worst.toFixed(1)} ms (target: under 200 ms)`);
  console.log(`(b) search with no hit over ${(result.gib / 2 ** 30).toFixed(2)} GiB: ${mbs(result.gib, result.searched)}; raw read ${mbs(result.gib, result.read)}; ratio ${(result.read / result.searched).toFixed(2)} (target: at least 0.5)`);
} finally {
  await close();
}
