// Browser benchmark of a gzipped log, in headless Chromium on a cross-origin-isolated page, in one
// run: (a) merely decompressing the file in the page with the browser's DecompressionStream,
// (b) the whole analysis of the same .gz with the single-threaded engine and (c) with the
// threaded one, which decode it with the engine's own pure-Rust inflate. Prints MB/s of the
// decompressed bytes and the ratios (b)/(a) and (c)/(a). Run with `make bench-browser`.
// GZ_MB sets the decompressed size (default 256).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

import { benchPage, generatedLog } from "./generated.mjs";

const MB = Number(process.env.GZ_MB || 256);
const ROUNDS = Number(process.env.ROUNDS || 3);
const LOG = `browser-gzip-${MB}M.log`;
const log = generatedLog(LOG, ["--tests", "200", "--flaky", "10", "--size", `${MB}M`]);
if (!existsSync(log + ".gz")) execFileSync("gzip", ["-k", "-6", log]);

const { page, close } = await benchPage();
try {
  const result = await page.evaluate(
    async ({ rounds, name }) => {
      const file = new File([await (await fetch(`/fixtures/${name}`)).blob()], name);
      const inflate = async () => {
        const started = performance.now();
        const reader = file.stream().pipeThrough(new DecompressionStream("gzip")).getReader();
        let bytes = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.byteLength;
        }
        return { seconds: (performance.now() - started) / 1000, bytes };
      };
      const analyze = (build) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(`./engine/worker.js?build=${build}`, { type: "module" });
          let threads = 1;
          // The envelope of web/engine/worker.js; the requests are lra-protocol's JSON.
          const reading = { name_mode: "line", markers: { test: "Test: ", result: "Result: ", iteration: "Iteration ", ignore_case: false }, format: null, iteration_per_file: false };
          let seconds = 0;
          worker.onmessage = ({ data }) => {
            const reply = data.reply ? JSON.parse(data.reply) : null;
            if (data.fatal) {
              worker.terminate();
              reject(new Error(data.fatal));
            } else if (reply?.type === "ready") {
              threads = reply.body.threads;
              worker.postMessage({ id: 1, request: JSON.stringify({ type: "analyze", body: { names: [name], reading, adopt: true } }), files: [file] });
            } else if (reply?.type === "analyzed") {
              seconds = reply.body.seconds;
              worker.postMessage({ id: 2, request: JSON.stringify({ type: "overview" }) });
            } else if (reply?.type === "overview") {
              worker.terminate();
              const t = reply.body.totals;
              resolve({ seconds, threads, bytes: reply.body.bytes, runs: t.passed + t.failed + t.skipped + t.other + t.missing });
            }
          };
        });
      const best = async (f) => {
        let top = null;
        for (let i = 0; i < rounds; i++) {
          const r = await f();
          if (!top || r.seconds < top.seconds) top = r;
        }
        return top;
      };
      return {
        compressed: file.size,
        inflate: await best(inflate),
        single: await best(() => analyze("st")),
        threaded: await best(() => analyze("mt")),
      };
    },
    { rounds: ROUNDS, name: LOG + ".gz" },
  );
  const bytes = result.inflate.bytes;
  const mbs = (r) => bytes / r.seconds / 1e6;
  const line = (label, r) => `${label.padEnd(44)} ${mbs(r).toFixed(0).padStart(6)} MB/s  ${r.seconds.toFixed(2)} s`;
  console.log(`log: ${(bytes / 1e6).toFixed(0)} MB decompressed, ${(result.compressed / 1e6).toFixed(1)} MB gzipped, best of ${ROUNDS}`);
  console.log(line("(a) DecompressionStream alone", result.inflate));
  console.log(line("(b) analysis of the .gz, single-threaded", result.single));
  console.log(line(`(c) analysis of the .gz, threaded (${result.threaded.threads} threads)`, result.threaded));
  console.log(`time (b)/(a) = ${(result.single.seconds / result.inflate.seconds).toFixed(2)}   (c)/(a) = ${(result.threaded.seconds / result.inflate.seconds).toFixed(2)}`);
  if (result.single.bytes !== bytes || result.threaded.bytes !== bytes || result.single.runs !== result.threaded.runs) {
    throw new Error("the engine did not read the whole log");
  }
} finally {
  await close();
}
