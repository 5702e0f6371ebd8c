// Durations in headless Chromium: the Slowest tests view, the tests table's p95 column, a
// selected test's durations, and the time-per-iteration chart, checked against the log's own
// stamps and stated durations (docs/design.md, "Durations").
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";

import { ARTIFACTS, suite } from "./harness.mjs";

const { open } = suite();

// checkout/slow takes 1.5 s and then 2.5 s by its lines' stamps; checkout/quick states 12 ms
// each time, which wins over its stamps' 12 ms and 50 ms; untimed has neither.
const LOG = `Iteration 1
2024-05-01T10:00:00.000Z Test: checkout/slow
2024-05-01T10:00:01.500Z Result: PASS
2024-05-01T10:00:02.000Z Test: checkout/quick
2024-05-01T10:00:02.012Z Result: FAIL timeout (elapsed 12 ms)
Test: untimed
Result: PASS
Iteration 2
2024-05-01T10:01:00.000Z Test: checkout/slow
2024-05-01T10:01:02.500Z Result: PASS
2024-05-01T10:01:03.000Z Test: checkout/quick
2024-05-01T10:01:03.050Z Result: FAIL timeout (elapsed 12 ms)
`;

function cells(page, selector) {
  return page.$$eval(selector, (rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent.trim())));
}

test("the slowest tests, the p95 column, a test's durations and the time per iteration", async () => {
  const s = await open({ isolate: true, hash: "#view=slowest" });
  try {
    await s.page.evaluate(
      async (text) => window.LogResultAccumulator.analyze([new File([text], "timed.log")]),
      LOG,
    );
    await s.page.waitForSelector("#slowest-table tbody tr");
    // p95, p50, max, min, total, timed runs, failed. slow: 1.5 s and 2.5 s, so its p95 and max
    // are 2.5 s and its p50 1.5 s's bucket top (1,507,327 µs); quick: 12 ms twice.
    assert.deepEqual(await cells(s.page, "#slowest-table tbody tr"), [
      ["checkout/slow", "2.50 s", "1.51 s", "2.50 s", "1.50 s", "4.00 s", "2", "0"],
      ["checkout/quick", "12.0 ms", "12.0 ms", "12.0 ms", "12.0 ms", "24.0 ms", "2", "2"],
    ]);
    assert.match(await s.page.textContent(".slowest h2"), /Slowest tests \(2\)/);
    // The chart is drawn, and its table has each iteration's timed runs and their time.
    await s.page.waitForSelector("#chart-durations canvas");
    await s.page.click("#chart-durations + figcaption summary");
    // Its rows come with the charts' data, which can follow the canvas on a loaded machine.
    await s.page.waitForSelector("#durations-table tbody tr");
    assert.deepEqual(await cells(s.page, "#durations-table tbody tr"), [
      ["1", "2", "1.51 s"],
      ["2", "2", "2.51 s"],
    ]);
    await s.page.waitForTimeout(1500); // the chart's animation settles
    await s.page.locator("section.slowest").screenshot({ path: path.join(ARTIFACTS, "durations.png") });

    // A row opens the test in the tests table, with its durations and its reason.
    await s.page.click("#slowest-table button:text-is('checkout/quick')");
    await s.page.waitForSelector("#test-timing");
    assert.equal(
      await s.page.textContent("#test-timing"),
      "Durations of its 2 timed runs: p50 12.0 ms, p95 12.0 ms, min 12.0 ms, max 12.0 ms, 24.0 ms in all.",
    );
    assert.deepEqual(await s.page.$$eval("#test-reasons li", (l) => l.map((li) => li.textContent)), ["timeout"]);
    // The p95 column, sorted: the slowest first, the untimed test last.
    await s.page.fill("#filter", "");
    await s.page.click("#tests-table th button:text-is('p95 time')");
    await s.page.waitForFunction(() => document.querySelector("#tests-table th[aria-sort='descending']"));
    const rows = await cells(s.page, "#tests-table tbody tr");
    // The failure rate and its Wilson interval: 2 of 2 is [2 / (2 + z²), 1] with z = 1.96.
    assert.deepEqual(
      rows.map((r) => [r[0], r[8], r[9]]),
      [
        ["checkout/slow", "0.0% (0.0–65.8%)", "2.50 s"],
        ["checkout/quick", "100.0% (34.2–100.0%)", "12.0 ms"],
        ["untimed", "0.0% (0.0–79.3%)", "–"],
      ],
    );
  } finally {
    await s.close();
  }
});

test("a log with no durations says so in the Slowest tests view", async () => {
  const s = await open({ isolate: true, hash: "#view=slowest" });
  try {
    await s.page.evaluate(
      async () => window.LogResultAccumulator.analyze([new File(["Test: a\nResult: PASS\n"], "plain.log")]),
    );
    await s.page.waitForSelector("#slowest-none");
    assert.equal(await s.page.locator("#chart-durations").count(), 0);
    assert.equal(await s.page.locator("#slowest-table tbody tr").count(), 0);
  } finally {
    await s.close();
  }
});

