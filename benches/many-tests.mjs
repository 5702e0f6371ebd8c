// How the page copes with large summaries, timing each step and the longest main-thread task
// meanwhile (a long task is a frozen page):
// - 100,000 distinct tests (a generated log, 2 iterations), through analyze() (which decodes
//   the whole summary on the page, as an embedder asking for it must) and through the file picker;
// - 1,000,000 distinct tests (`--style flat`, 40 MB), the same two ways;
// - 10,000 tests × 1,000 iterations with 500 flaky ones (1.4 GB), through the file picker, then
//   the Flaky view with its heatmap.
// Run with `make bench-browser`.
import path from "node:path";

import { serve } from "../tests/e2e/server.mjs";
import { launch, engineReady } from "../tests/e2e/browser.mjs";
import { DIR, MANY_ITERATIONS, ROOT, generatedLog } from "./generated.mjs";

/** Starts recording the longest main-thread task in `window.longest`. */
function watchLongTasks(page) {
  return page.evaluate(() => {
    window.longest = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.longest = Math.max(window.longest, e.duration);
    }).observe({ entryTypes: ["longtask"] });
  });
}

/** Gives `file` through the file picker; returns ms until the tests table shows. */
async function pick(page, file) {
  await page.reload();
  await engineReady(page);
  // ECharts' warm-up at load (web/charts.js) is not the file's doing.
  await page.waitForFunction(() => window.lraCharts?.warmed);
  await watchLongTasks(page);
  const t0 = Date.now();
  await page.setInputFiles("input[type=file]:not([webkitdirectory])", file);
  // Past 5,000 tests the page opens on the suites.
  await page.waitForSelector("#tests-table td.name, #suites-table td.name", { timeout: 600000 });
  return Date.now() - t0;
}

/** Gives the served log `name` to analyze(), which resolves to the whole summary object:
 * {tests, mb, ms, longest task, heap}. */
function throughAnalyze(page, name) {
  return page.evaluate(async (name) => {
    let longest = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) longest = Math.max(longest, e.duration);
    }).observe({ entryTypes: ["longtask"] });
    const file = new File([await (await fetch(`/fixtures/${name}`)).blob()], name);
    const t0 = performance.now();
    const s = await window.LogResultAccumulator.analyze([file]);
    const ms = performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { tests: s.tests.length, mb: file.size / 1e6, ms, longest, heap: performance.memory?.usedJSHeapSize ?? 0 };
  }, name);
}

const longest = async (page) => (await page.evaluate(() => window.longest)).toFixed(0);

generatedLog("many-tests.log", ["--tests", "100000", "--iterations", "2", "--flaky", "100"]);
const server = await serve({ root: path.join(ROOT, "dist"), isolate: true, fixtures: DIR });
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await engineReady(page);
  const r = await throughAnalyze(page, "many-tests.log");
  console.log(
    `${r.tests} distinct tests (${r.mb.toFixed(1)} MB) through analyze(): summary in ${r.ms.toFixed(0)} ms; ` +
      `longest main-thread task ${r.longest.toFixed(0)} ms`,
  );
  // The same file through the file picker, where no summary() promise waits for the JSON.
  const ms = await pick(page, path.join(DIR, "many-tests.log"));
  await page.waitForTimeout(500);
  console.log(`the same through the file picker: table shown in ${ms} ms; longest main-thread task ${await longest(page)} ms`);

  const million = generatedLog("million-tests.log", ["--style", "flat", "--tests", "1000000", "--iterations", "1", "--fail-rate", "0.05", "--flaky", "0"]);
  await page.reload();
  await engineReady(page);
  const m = await throughAnalyze(page, "million-tests.log");
  console.log(
    `${m.tests} distinct tests through analyze(): summary object in ${m.ms.toFixed(0)} ms; longest main-thread task ` +
      `${m.longest.toFixed(0)} ms (decoding it on the page); JS heap ${(m.heap / 1e6).toFixed(0)} MB`,
  );
  // A fresh page, so that its heap holds nothing of the object decoded above.
  const fresh = await browser.newPage();
  await fresh.goto(server.url);
  const millionMs = await pick(fresh, million);
  await fresh.waitForTimeout(500);
  const heap = await fresh.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  console.log(
    `the same through the file picker: suites shown in ${millionMs} ms; longest main-thread task ${await longest(fresh)} ms; ` +
      `JS heap ${(heap / 1e6).toFixed(0)} MB`,
  );
  await fresh.close();

  const iterations = generatedLog(...MANY_ITERATIONS);
  const picked = await pick(page, iterations);
  await page.waitForTimeout(500);
  console.log(`10000 tests x 1000 iterations, 500 flaky: table shown in ${picked} ms; longest main-thread task ${await longest(page)} ms`);
  await watchLongTasks(page);
  const t0 = Date.now();
  await page.click("#tab-flaky");
  await page.waitForSelector("#chart-heatmap canvas");
  await page.waitForFunction(() => echarts.getInstanceByDom(document.getElementById("chart-heatmap")).getOption().series[0].data?.length > 0);
  const heat = Date.now() - t0;
  await page.waitForTimeout(1000);
  const cells = await page.evaluate(() => echarts.getInstanceByDom(document.getElementById("chart-heatmap")).getOption().series[0].data.length);
  console.log(`  then the Flaky view's heatmap (${cells} cells) in ${heat} ms; longest main-thread task ${await longest(page)} ms`);
} finally {
  await browser.close();
  await server.close();
}
