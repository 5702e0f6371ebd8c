// The page's main-thread tasks from a drop to the summary, in headless Chromium on a
// cross-origin-isolated page: what a frozen page would be made of, with the margin under the
// 50 ms that tests/e2e/scale.test.mjs allows (its PerformanceObserver sees only the tasks over
// 50 ms; a trace sees them all). Each round opens a fresh page, drops FILE, waits for the
// summary's last part (the files table), and prints every task over 3 ms in order, with what it
// did (Msg: an answer of the engine; TimerFire: a part of the page made a frame later, or a
// chart drawn; Layout, Style, Paint: the browser's own), then the longest.
//
//   [LRA_DIST=DIR] node benches/page-tasks.mjs [FILE] [ROUNDS]
//
// FILE defaults to tests/artifacts/fixtures/history-500.json, the 10,000 tests × 500 builds that
// scale.test.mjs makes (run it once first); ROUNDS to 4. Tracing slows the page a little.
// LRA_DIST serves another build of the page than dist/ (a copy of an older one, to compare).
import { readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { DIST, ROOT, dropAndSummarize, freshPage } from "./generated.mjs";
import { launch } from "../tests/e2e/browser.mjs";
import { serve } from "../tests/e2e/server.mjs";

const file = path.resolve(process.argv[2] ?? path.join(ROOT, "tests/artifacts/fixtures/history-500.json"));
const rounds = Number(process.argv[3] ?? 4);
const trace = path.join(os.tmpdir(), `lra-page-tasks-${process.pid}.json`);

/** The names of what a task did that say which part of the page it was. */
const KINDS = /^(HandlePostMessage|TimerFire|FireAnimationFrame|Layout|UpdateLayoutTree|Paint|EventDispatch|ParseHTML|MinorGC|MajorGC)$/;
const SHORT = { HandlePostMessage: "Msg", UpdateLayoutTree: "Style", FireAnimationFrame: "rAF" };

const browser = await launch();
const server = await serve({ root: DIST, isolate: true, fixtures: path.dirname(file) });
let longest = 0;
try {
  for (let round = 1; round <= rounds; round++) {
    const { context, page } = await freshPage(browser, server);
    await browser.startTracing(page, { path: trace, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
    await dropAndSummarize(page, file);
    await page.waitForTimeout(600);
    await browser.stopTracing();
    await context.close();
    const events = JSON.parse(readFileSync(trace)).traceEvents;
    const main = new Set(events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
    const on = (e) => main.has(`${e.pid}:${e.tid}`);
    const tasks = events.filter((e) => e.name === "RunTask" && e.ph === "X" && on(e) && e.dur > 3000).sort((a, b) => a.ts - b.ts);
    const what = (task) => {
      const inside = events.filter(
        (e) => e.ph === "X" && on(e) && e.tid === task.tid && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur && KINDS.test(e.name) && e.dur > 1500,
      );
      return [...new Set(inside.map((e) => SHORT[e.name] ?? e.name))].join("+");
    };
    const max = Math.max(0, ...tasks.map((t) => t.dur / 1000));
    longest = Math.max(longest, max);
    // A task over 15 ms also gives its main thread's CPU time: on a busy machine a task's wall
    // time can be twice its CPU time, the thread waiting for a core.
    const took = (t) => `${(t.dur / 1000).toFixed(0)}${t.dur > 15000 && t.tdur ? `(cpu ${(t.tdur / 1000).toFixed(0)})` : ""}`;
    console.log(`round ${round}: ${tasks.map((t) => `${took(t)}[${what(t)}]`).join(" ")}; longest ${max.toFixed(1)} ms`);
  }
} finally {
  rmSync(trace, { force: true });
  await server.close();
  await browser.close();
}
console.log(`longest task over ${rounds} rounds: ${longest.toFixed(1)} ms (a frozen page is over 50)`);
