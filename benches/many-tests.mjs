// How the page copes with 100,000 distinct tests (a generated log, 2 iterations): the time from
// analyze() to the summary, and the longest main-thread task meanwhile (a long task is a frozen
// page). Run with `make bench-browser`.
import path from "node:path";

import { serve } from "../tests/e2e/server.mjs";
import { launch, engineReady } from "../tests/e2e/browser.mjs";
import { DIR, ROOT, generatedLog } from "./generated.mjs";

generatedLog("many-tests.log", ["--tests", "100000", "--iterations", "2", "--flaky", "100"]);
const server = await serve({ root: path.join(ROOT, "dist"), isolate: true, fixtures: DIR });
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await engineReady(page);
  const r = await page.evaluate(async () => {
    let longest = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) longest = Math.max(longest, e.duration);
    }).observe({ entryTypes: ["longtask"] });
    const file = new File([await (await fetch("/fixtures/many-tests.log")).blob()], "many-tests.log");
    const t0 = performance.now();
    const s = await window.LogResultAccumulator.analyze([file]);
    const ms = performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { tests: s.tests.length, mb: file.size / 1e6, ms, longest };
  });
  console.log(
    `${r.tests} distinct tests (${r.mb.toFixed(1)} MB) through analyze(): summary in ${r.ms.toFixed(0)} ms; ` +
      `longest main-thread task ${r.longest.toFixed(0)} ms`,
  );
  // The same file through the file picker, where no summary() promise waits for the JSON.
  await page.reload();
  await engineReady(page);
  await page.evaluate(() => {
    window.longest = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.longest = Math.max(window.longest, e.duration);
    }).observe({ entryTypes: ["longtask"] });
  });
  const t0 = Date.now();
  await page.setInputFiles("input[type=file]:not([webkitdirectory])", path.join(DIR, "many-tests.log"));
  await page.waitForSelector("#tests-table td.name", { timeout: 120000 });
  const ms = Date.now() - t0;
  await page.waitForTimeout(500);
  console.log(`the same through the file picker: table shown in ${ms} ms; longest main-thread task ${(await page.evaluate(() => window.longest)).toFixed(0)} ms`);
} finally {
  await browser.close();
  await server.close();
}
