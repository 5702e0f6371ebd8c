// The report from the CLI (`lra summarize --format html`): the single-file report the app
// exports, opened from disk in Chromium with the network blocked. Its figures must be the JSON's,
// it must draw its charts, raise no page error and send no request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { openOffline } from "./browser.mjs";
import { ARTIFACTS, LRA, ROOT, historyBuildLog, suite } from "./harness.mjs";

const { browser } = suite();

// `steady` passes, `wobbly` is flaky, `broken` always fails, `gone` only skips; a name that would
// be markup if it were written as HTML.
const HOSTILE = "<img src=x onerror=alert(1)>";
const LOG = [
  "Iteration 1", "Test: steady", "Result: PASS", "Test: wobbly", "Result: PASS", "Test: broken", "Result: FAIL expected 3 got 4",
  "Iteration 2", "Test: steady", "Result: PASS", "Test: wobbly", "Result: FAIL timeout after 30 s", "Test: broken", "Result: FAIL expected 10 got 7",
  "Iteration 3", "Test: steady", "Result: PASS", "Test: wobbly", "Result: PASS", "Test: broken", "Result: FAIL expected 1 got 2",
  "Test: gone", "Result: SKIP", `Test: ${HOSTILE}`, "Result: FAIL <b>why</b>",
  "",
].join("\n");

function lra(args) {
  const run = spawnSync(LRA, args, { maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, String(run.stderr));
  return run.stdout;
}

test("the report inlines the same ECharts the page loads", () => {
  const bundled = readFileSync(path.join(ROOT, "crates/lra-session/assets/echarts-5.6.0.min.js"));
  const npm = readFileSync(path.join(ROOT, "node_modules/echarts/dist/echarts.min.js"));
  assert.ok(bundled.equals(npm), "crates/lra-session/assets/echarts-5.6.0.min.js differs from npm's: copy it again");
  const version = JSON.parse(readFileSync(path.join(ROOT, "node_modules/echarts/package.json"), "utf8")).version;
  assert.equal(version, "5.6.0");
});

test("lra summarize --format html: the app's report, offline, its figures the JSON's", async () => {
  const log = path.join(ARTIFACTS, "report-cli.log");
  writeFileSync(log, LOG);
  const file = path.join(ARTIFACTS, "lra-cli-report.html");
  writeFileSync(file, lra(["summarize", "--format", "html", log]));
  const summary = JSON.parse(lra(["summarize", "--format", "json", log]));
  const { page, problems, requests, close } = await openOffline(browser(), file);
  try {
    for (const chart of ["tests", "iterations", "classes", "heatmap"]) {
      await page.waitForSelector(`#chart-${chart} canvas`);
    }
    const figures = Object.fromEntries(
      await page.$$eval(".fig", (figs) => figs.map((f) => [f.querySelector("span").textContent, f.querySelector("b").textContent])),
    );
    const t = summary.totals;
    const runs = t.passed + t.failed + t.skipped + t.other + t.missing;
    assert.deepEqual(
      [figures["tests run"], figures.passed, figures.failed, figures.skipped, figures.other, figures.missing, figures.files],
      [runs, t.passed, t.failed, t.skipped, t.other, t.missing, summary.files.length].map(String),
    );
    assert.equal(figures["pass rate"], `${((100 * t.passed) / (runs - t.skipped)).toFixed(1)}%`);
    // Every test, with the JSON's counts.
    const rows = await page.$$eval("#tests-table tbody tr", (trs) =>
      trs.map((tr) => [...tr.cells].slice(0, 5).map((c) => c.textContent)),
    );
    const expected = summary.tests.map((x) => [x.name, x.runs, x.passed, x.failed, x.skipped].map(String));
    assert.deepEqual(
      rows.sort((a, b) => a[0].localeCompare(b[0])),
      expected.sort((a, b) => a[0].localeCompare(b[0])),
    );
    // The failure rate with its Wilson interval (3 of 3: [3 / (3 + z²), 1]), sorted by the
    // interval's low end: 3 of 3 (0.439), 1 of 1 (0.207), 1 of 3 (0.061), 0 of 3, none judged.
    await page.click("#tests-table th button[data-col='10']");
    const rates = await page.$$eval("#tests-table tbody tr", (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[10].textContent]));
    assert.deepEqual(rates, [
      ["broken", "100.0% (43.9–100.0%)"],
      [HOSTILE, "100.0% (20.7–100.0%)"],
      ["wobbly", "33.3% (6.1–79.2%)"],
      ["steady", "0.0% (0.0–56.1%)"],
      ["gone", "–"],
    ]);
    assert.equal(await page.locator("img").count(), 0, "a name is text, never markup");
    assert.equal(await page.locator("#flaky-table tbody tr").count(), 1);
    await page.waitForTimeout(1500); // the charts' animation settles
    await page.screenshot({ path: path.join(ARTIFACTS, "cli-report.png"), fullPage: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(requests(), []);
  } finally {
    await close();
  }
});

test("lra history --format html: the tests × builds grid and each row, newly broken first", async () => {
  const dir = path.join(ARTIFACTS, "history-builds");
  mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 12; b++) writeFileSync(path.join(dir, `build-${b}.log`), historyBuildLog(b, HOSTILE));
  const file = path.join(ARTIFACTS, "lra-cli-history.html");
  writeFileSync(file, lra(["history", "--format", "html", dir]));
  const { page, problems, requests, close } = await openOffline(browser(), file);
  try {
    await page.waitForSelector("#chart-history canvas");
    assert.equal(await page.textContent("section[aria-label=History] h2"), "History: 12 builds, build-1.log … build-12.log");
    const rows = await page.$$eval("#history-table tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const change = (row) => row[6].replace(/ \(p = [0-9.e+-]+\)$/, "");
    // By the design: broke changed at build 8 (the latest change point), fixed at build 4; the
    // hostile name fails in build 12 alone (too few runs for a change point), flaky never changes.
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5], change(r)]),
      [
        ["broke", "12", "5", "0", "build-8.log", "build-7.log", "build-8.log: failed 0 of 70 runs before, 50 of 50 from then on"],
        ["fixed", "12", "3", "0", "–", "build-12.log", "build-4.log: failed 30 of 30 runs before, 0 of 90 from then on"],
        [HOSTILE, "1", "1", "0", "build-12.log", "–", "–"],
        ["flaky", "12", "12", "12", "–", "build-12.log", "–"],
      ],
    );
    assert.equal(await page.locator("img").count(), 0, "a name is text, never markup");
    await page.waitForTimeout(1500); // the charts' animation settles
    await page.screenshot({ path: path.join(ARTIFACTS, "cli-history-report.png"), fullPage: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(requests(), []);
  } finally {
    await close();
  }
});
