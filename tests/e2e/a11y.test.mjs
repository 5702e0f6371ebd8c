// Accessibility: axe-core (from npm, pinned) on the page with a summary on it, in the light and
// the dark theme, in each view. No serious or critical violation may be found.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";

import { ROOT, designedHistory, suite } from "./harness.mjs";

const AXE = readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

const { open } = suite();

/** The serious and critical violations axe finds on the page, one line each. */
async function violations(page) {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
  // govern: the page itself never loads axe.
  const found = await page.evaluate(async (source) => {
    if (!window.axe) (0, eval)(source);
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join("; ")}`);
  }, AXE);
  return found;
}

// Every class of run, durations and a failure: each of the header's figures in its colour, the
// duration columns and views shown (the sample log has neither durations nor other words). The
// counts have two digits: axe leaves a one-character text's contrast undecided ("incomplete"),
// which hid the light theme's skipped and other figures at 3.2:1 and 3.0:1.
const EVERY_CLASS = `Iteration 1
2024-05-01T10:00:00.000Z Test: timed
2024-05-01T10:00:01.500Z Result: PASS
Test: broken
Result: FAIL boom
${"Test: skipped\nResult: SKIP\n".repeat(12)}${"Test: odd\nResult: XFAIL\n".repeat(13)}${"Test: lost\n".repeat(14)}Iteration 2
2024-05-01T10:01:00.000Z Test: timed
2024-05-01T10:01:02.500Z Result: FAIL timeout
`;

for (const scheme of ["light", "dark"]) {
  test(`no serious or critical accessibility violation, ${scheme} theme, a log of every class with durations`, async () => {
    const s = await open({ isolate: true });
    try {
      await s.page.emulateMedia({ colorScheme: scheme });
      await s.page.evaluate(async (text) => window.LogResultAccumulator.analyze([new File([text], "every.log")]), EVERY_CLASS);
      await s.page.waitForSelector("#tests-table td.name");
      await s.page.waitForTimeout(1500); // let the charts' animation settle
      const found = [];
      for (const view of ["tests", "slowest", "failures"]) {
        await s.page.click(`#tab-${view}`);
        await s.page.waitForTimeout(500);
        found.push(...(await violations(s.page)).map((v) => `${view}: ${v}`));
      }
      assert.deepEqual(found, []);
    } finally {
      await s.close();
    }
  });
}

for (const scheme of ["light", "dark"]) {
  test(`no serious or critical accessibility violation, ${scheme} theme, every view`, async () => {
    const s = await open({ isolate: true });
    try {
      await s.page.emulateMedia({ colorScheme: scheme });
      await s.page.click("#sample");
      await s.page.waitForSelector("#tests-table td.name");
      await s.page.waitForTimeout(1500); // let the charts' animation settle
      const found = [];
      for (const view of ["tests", "suites", "flaky", "slowest", "failures", "compare"]) {
        await s.page.click(`#tab-${view}`);
        await s.page.waitForTimeout(500);
        found.push(...(await violations(s.page)).map((v) => `${view}: ${v}`));
      }
      // The run viewer, open on a first failure (a selected test shows its first run's lines).
      await s.page.click("#tab-tests");
      await s.page.click("#tests-table tbody tr:first-child td.name");
      await s.page.waitForSelector("#first-run li");
      await s.page.click("#tests-table tbody tr:first-child button.open-at");
      await s.page.waitForSelector("#log-lines li.anchor");
      found.push(...(await violations(s.page)).map((v) => `viewer: ${v}`));
      assert.deepEqual(found, []);
    } finally {
      await s.close();
    }
  });
}

for (const scheme of ["light", "dark"]) {
  test(`no serious or critical accessibility violation, ${scheme} theme, a history's History view`, async () => {
    const history = designedHistory("a11y-history-builds", "odd name");
    const s = await open({ isolate: true });
    try {
      await s.page.emulateMedia({ colorScheme: scheme });
      await s.page.evaluate(async (text) => window.LogResultAccumulator.analyze([new File([text], "history.json")]), history);
      await s.page.click("#tab-history");
      await s.page.waitForSelector("#history-grid tbody tr");
      // A picked cell's figures are shown too.
      await s.page.click("#history-grid tbody tr:first-child td:nth-child(11)");
      await s.page.waitForSelector("#history-picked");
      assert.deepEqual(await violations(s.page), []);
    } finally {
      await s.close();
    }
  });
}
