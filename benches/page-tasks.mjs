// The page's main-thread tasks from a drop to the summary, in headless Chromium on a
// cross-origin-isolated page: what a frozen page would be made of, with the margin under the
// 50 ms of CPU that tests/e2e/scale.test.mjs allows a task. Each round opens a fresh page, drops
// FILE, waits for the summary's last part (the files table), and prints every task over 3 ms in
// order, its wall and CPU time and what it did (see tests/e2e/tasks.mjs), then the longest.
//
//   [LRA_DIST=DIR] node benches/page-tasks.mjs [FILE] [ROUNDS]
//
// FILE defaults to tests/artifacts/fixtures/history-500.json, the 10,000 tests × 500 builds that
// scale.test.mjs makes (run it once first); ROUNDS to 4. Tracing slows the page a little.
// LRA_DIST serves another build of the page than dist/ (a copy of an older one, to compare).
import path from "node:path";

import { DIST, ROOT, dropAndSummarize, freshPage } from "./generated.mjs";
import { launch } from "../tests/e2e/browser.mjs";
import { serve } from "../tests/e2e/server.mjs";
import { described, recordTasks, recordedTasks } from "../tests/e2e/tasks.mjs";

const file = path.resolve(process.argv[2] ?? path.join(ROOT, "tests/artifacts/fixtures/history-500.json"));
const rounds = Number(process.argv[3] ?? 4);

const browser = await launch();
const server = await serve({ root: DIST, isolate: true, fixtures: path.dirname(file) });
let longest = 0;
try {
  for (let round = 1; round <= rounds; round++) {
    const { context, page } = await freshPage(browser, server);
    await recordTasks(browser, page);
    await dropAndSummarize(page, file);
    await page.waitForTimeout(600);
    // On a busy machine a task's wall time can be twice its CPU time, the thread waiting for a
    // core: both are printed.
    const tasks = await recordedTasks(browser, 3);
    await context.close();
    const max = Math.max(0, ...tasks.map((t) => t.wall));
    longest = Math.max(longest, max);
    console.log(`round ${round}: ${tasks.map(described).join(", ")}; longest ${max.toFixed(1)} ms`);
  }
} finally {
  await server.close();
  await browser.close();
}
console.log(`longest task over ${rounds} rounds: ${longest.toFixed(1)} ms (a frozen page is over 50)`);
