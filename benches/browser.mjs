// Browser benchmark, in headless Chromium on a cross-origin-isolated page, on a generated log of
// at least 1 GiB (a 64 MiB generated log repeated; BENCH_GIB sets the size). In one run it times:
//   (a) the engine worker merely reading the file's slices,
//   (b) the whole analysis with the single-threaded engine (`?pool=1`: no pool of parsers),
//   (c) the whole analysis with the threaded engine, as a page runs it (its pool parses on all
//       cores but one while the worker reads), with its pool on every core, and with the one
//       file cut for a pool of single-threaded parsers (`?pool=N`),
//   (d) the single-threaded engine on the same bytes as 8 files, with its pool of parsers (one
//       per core) and with one parser (`?pool=1`),
//   (e) the single-threaded engine on the one file, cut into parts for its pool of parsers,
// and prints MB/s and the ratios (c)/(a), (c)/(b) and the pool's gain. Run with
// `make bench-browser`.
// MANY_TESTS=1 times instead, once, the 1.4 GB log of 10,000 tests × 1,000 iterations that
// many-tests.mjs also uses.

import { MANY_ITERATIONS, benchPage, generatedLog } from "./generated.mjs";

const MANY_TESTS = Boolean(process.env.MANY_TESTS);
const GIB = MANY_TESTS ? 0 : Number(process.env.BENCH_GIB || 1);
const ROUNDS = Number(process.env.ROUNDS || 3);
const LOG = MANY_TESTS ? MANY_ITERATIONS[0] : "browser-64M.log";
generatedLog(...(MANY_TESTS ? MANY_ITERATIONS : [LOG, ["--tests", "200", "--flaky", "10", "--size", "64M"]]));

const { page, close } = await benchPage();
try {
  const result = await page.evaluate(
    async ({ gib, rounds, log }) => {
      const piece = await (await fetch(`/fixtures/${log}`)).blob();
      const copies = Math.max(1, Math.ceil((gib * 2 ** 30) / piece.size));
      const file = new File(Array(copies).fill(piece), "bench.log");
      // The same bytes as 8 files, for the pool.
      const parts = Array.from({ length: 8 }, (_, i) => {
        const from = Math.floor((copies * i) / 8);
        return new File(Array(Math.floor((copies * (i + 1)) / 8) - from).fill(piece), `bench-${i}.log`);
      });
      const run = (build, type, files = [file]) =>
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
              if (type === "read") worker.postMessage({ id: 1, read: files });
              else worker.postMessage({ id: 1, request: JSON.stringify({ type: "analyze", body: { names: files.map((f) => f.name), reading, adopt: true } }), files });
            } else if (data.id === 1 && data.seconds !== undefined) {
              worker.terminate();
              resolve({ seconds: data.seconds, threads, runs: null });
            } else if (reply?.type === "analyzed") {
              seconds = reply.body.seconds;
              threads = reply.body.parsers > 1 ? reply.body.parsers : threads;
              worker.postMessage({ id: 2, request: JSON.stringify({ type: "overview" }) });
            } else if (reply?.type === "overview") {
              worker.terminate();
              const t = reply.body.totals;
              resolve({ seconds, threads, runs: t.passed + t.failed + t.skipped + t.other + t.missing });
            }
          };
        });
      const best = async (build, type, files) => {
        let top = null;
        for (let i = 0; i < rounds; i++) {
          const r = await run(build, type, files);
          if (!top || r.seconds < top.seconds) top = r;
        }
        return top;
      };
      return {
        bytes: file.size,
        cores: navigator.hardwareConcurrency,
        isolated: crossOriginIsolated,
        read: await best("st", "read"),
        single: await best("st&pool=1", "analyze"),
        threaded: await best("mt", "analyze"),
        everyCore: await best(`mt&threads=${navigator.hardwareConcurrency}`, "analyze"),
        threadedCut: await best(`mt&pool=${navigator.hardwareConcurrency}`, "analyze"),
        // Eight files need eight pieces at least (not so for MANY_TESTS's one log).
        pool: copies >= 8 ? await best("st", "analyze", parts) : null,
        pool1: copies >= 8 ? await best("st&pool=1", "analyze", parts) : null,
        cut: await best("st", "analyze"),
      };
    },
    { gib: GIB, rounds: ROUNDS, log: LOG },
  );
  const mbs = (r) => result.bytes / r.seconds / 1e6;
  const line = (label, r) => `${label.padEnd(34)} ${mbs(r).toFixed(0).padStart(6)} MB/s  ${r.seconds.toFixed(2)} s`;
  console.log(`log: ${(result.bytes / 2 ** 30).toFixed(2)} GiB, ${result.cores} cores, cross-origin isolated: ${result.isolated}, best of ${ROUNDS}`);
  console.log(line("(a) read slices only", result.read));
  console.log(line("(b) analysis, single-threaded", result.single));
  console.log(line(`(c) analysis, threaded (${result.threaded.threads} threads)`, result.threaded));
  console.log(line(`    its pool on every core (${result.everyCore.threads})`, result.everyCore));
  console.log(line(`    cut for ${result.threadedCut.threads} parsers`, result.threadedCut));
  console.log(`(c)/(a) = ${(mbs(result.threaded) / mbs(result.read)).toFixed(2)}   (c)/(b) = ${(mbs(result.threaded) / mbs(result.single)).toFixed(2)}`);
  if (result.pool) {
    console.log(line(`(d) 8 files, pool of ${result.pool.threads} parsers`, result.pool));
    console.log(line(`    8 files, one parser`, result.pool1));
    console.log(`(d) pool / one parser = ${(mbs(result.pool) / mbs(result.pool1)).toFixed(2)}`);
  }
  console.log(line(`(e) 1 file cut for ${result.cut.threads} parsers`, result.cut));
  console.log(`(e)/(b) = ${(mbs(result.cut) / mbs(result.single)).toFixed(2)}`);
  for (const [name, r] of Object.entries({ threaded: result.threaded, everyCore: result.everyCore, threadedCut: result.threadedCut, pool: result.pool, pool1: result.pool1, cut: result.cut })) {
    if (r && r.runs !== result.single.runs) throw new Error(`${name} disagrees: ${r.runs} versus ${result.single.runs} runs`);
  }
} finally {
  await close();
}
