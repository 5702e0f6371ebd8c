// The tasks of a tab switch in headless Chromium on a cross-origin-isolated page: FILE dropped,
// its summary made, then a click from the first view shown (Suites) to Tests, timed as the
// click's own task (its handler and the effects after it) and the longest task after it until
// the tests table's heading is there.
//
//   [LRA_DIST=DIR] node benches/tab-switch.mjs FILE [ROUNDS]
//
// FILE e.g. tests/artifacts/fixtures/iterations.log, the 10,000 tests × 1,000 iterations that
// scale.test.mjs makes; ROUNDS defaults to 4. LRA_DIST serves another build than dist/.
import path from "node:path";

import { DIST, dropAndSummarize, freshPage } from "./generated.mjs";
import { launch } from "../tests/e2e/browser.mjs";
import { serve } from "../tests/e2e/server.mjs";

const file = path.resolve(process.argv[2]);
const rounds = Number(process.argv[3] ?? 4);
const browser = await launch();
const server = await serve({ root: DIST, isolate: true, fixtures: path.dirname(file) });
try {
  for (let round = 1; round <= rounds; round++) {
    const { context, page } = await freshPage(browser, server);
    await dropAndSummarize(page, file);
    await page.waitForTimeout(1000);
    const took = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const t0 = performance.now();
          document.querySelector("#tab-tests").click();
          // A 0 ms timer runs in the next task: the click's task ends before it.
          setTimeout(() => {
            const click = performance.now() - t0;
            const gaps = [];
            let last = performance.now();
            const step = () => {
              const now = performance.now();
              gaps.push(now - last);
              last = now;
              if (document.querySelector(".tests h2") && gaps.length > 3) {
                resolve(`click's task ${click.toFixed(1)} ms; longest task after it ${Math.max(...gaps).toFixed(1)} ms; heading after ${(now - t0).toFixed(0)} ms`);
              } else {
                setTimeout(step, 0);
              }
            };
            setTimeout(step, 0);
          }, 0);
        }),
    );
    console.log(`round ${round}: ${took}`);
    await context.close();
  }
} finally {
  await server.close();
  await browser.close();
}
