// End-to-end tests of the app in headless Chromium, with dist/ served from a sub-path.
// `make test` builds dist/ and the CLI first; screenshots go to tests/artifacts/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { serve } from "./server.mjs";
import { engineReady, analyzeFixtures, analyzeTexts, openOffline } from "./browser.mjs";
import { DIST, LRA, ARTIFACTS, FIXTURES, LOGS, cli, essence, designedHistory, historyBuildLog, suite } from "./harness.mjs";

const { open, browser: shared } = suite();

test("isolated with COOP/COEP: threads, and summary() equals the CLI's JSON", async () => {
  const s = await open({ isolate: true });
  try {
    assert.equal(await s.page.evaluate(() => window.crossOriginIsolated), true);
    assert.equal(await s.page.evaluate(() => window.LogResultAccumulator.summary()), null, "no file given yet");
    const summary = await analyzeFixtures(s.page, LOGS);
    assert.deepEqual(essence(summary), essence(cli(LOGS)));
    const threads = await s.page.textContent("#threads");
    const n = Number(threads.match(/^(\d+) threads?/)[1]);
    assert.ok(n > 1, `expected more than one thread: ${threads}`);
    assert.match(threads, /cross-origin isolated/);
    // Files added later add to the summary.
    const more = await analyzeFixtures(s.page, ["seed-sample.log"]);
    assert.equal(more.files.length, LOGS.length + 1);
    assert.equal(more.totals.tests, summary.totals.tests + 9);
    await s.page.screenshot({ path: path.join(ARTIFACTS, "summary-isolated.png"), fullPage: true });
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("not isolated, service workers blocked: a pool of plain workers reads the files, same summary", async () => {
  const s = await open({ isolate: false, blockServiceWorkers: true });
  try {
    assert.equal(await s.page.evaluate(() => window.crossOriginIsolated), false);
    const summary = await analyzeFixtures(s.page, LOGS);
    assert.deepEqual(essence(summary), essence(cli(LOGS)));
    // One parser per core, at most one per file: these machines have two cores.
    const cores = await s.page.evaluate(() => navigator.hardwareConcurrency);
    const status = await s.page.evaluate(() => window.LogResultAccumulator.status());
    assert.ok(cores > 1, `${cores} cores`);
    assert.deepEqual(status, { phase: "idle", build: "single", threads: cores, isolated: false, parsers: Math.min(cores, LOGS.length) });
    assert.equal(
      (await s.page.textContent("#threads")).trim(),
      `${cores} threads: this page is not cross-origin isolated, so ${cores} workers read files at once`,
    );
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

/** Analyzes the fixture `name`, made once by `lra generate` with `tests` tests to `size`, on a
 * page that is not isolated, checks its summary against the CLI's, then `check(page)`. */
async function notIsolated(name, tests, size, check) {
  const log = path.join(FIXTURES, name);
  if (!existsSync(log)) {
    const args = ["generate", "--tests", String(tests), "--flaky", "6", "--fail-rate", "0.1", "--size", size];
    writeFileSync(log, execFileSync(LRA, args, { maxBuffer: 128 << 20 }));
  }
  const s = await open({ isolate: false, blockServiceWorkers: true });
  try {
    const summary = await analyzeFixtures(s.page, [name]);
    assert.deepEqual(essence(summary), essence(cli([name])));
    await check(s.page);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
}

test("not isolated: a log of 24 MiB is read by a reader worker beside the engine, and gives the CLI's summary", async () => {
  // Under 64 MiB one file is not cut for the pool: the engine worker parses it, and from 16 MiB
  // on (two slices) a reader worker reads its slices meanwhile (web/engine/slices.js), three
  // slices and a bit, so that the last is short.
  await notIsolated("beside.log", 40, "24M", async (page) => {
    assert.ok(page.workers().some((w) => w.url().endsWith("/engine/reader.js")), "a reader worker read the file");
  });
});

test("not isolated: one large log is cut into parts, one per parser, and gives the CLI's summary", async () => {
  // Past 64 MiB a plain log is cut; each part is the lines that start in its byte range.
  await notIsolated("large.log", 150, "72M", async (page) => {
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    assert.equal((await page.evaluate(() => window.LogResultAccumulator.status())).parsers, cores);
  });
});

test("without headers, the service worker makes the page isolated", async () => {
  const s = await open({ isolate: false });
  try {
    // coi-serviceworker registers, then reloads the page once.
    await s.page.waitForFunction(() => window.crossOriginIsolated === true, null, { timeout: 15000 });
    await engineReady(s.page);
    await s.page.waitForFunction(() => /threads: this page is cross-origin isolated/.test(document.querySelector("#threads")?.textContent ?? "") || !document.querySelector("#threads"));
    const summary = await analyzeFixtures(s.page, ["seed-sample.log"]);
    assert.equal(summary.totals.tests, 9);
    assert.match(await s.page.textContent("#threads"), /^\d+ threads: this page is cross-origin isolated/);
  } finally {
    await s.close();
  }
});

test("name mode: first word re-analyses the files already given", async () => {
  const s = await open({ isolate: true });
  try {
    await analyzeFixtures(s.page, ["seed-sample.log"]);
    await s.page.selectOption("select", "first-word");
    await s.page.waitForFunction(() => document.querySelector("#tests-table")?.textContent.includes("Watermelon") && !document.querySelector("#tests-table").textContent.includes("Watermelon Test"));
    const summary = await s.page.evaluate(() => window.LogResultAccumulator.summary());
    assert.deepEqual(essence(summary), essence(cli(["seed-sample.log"], "first-word")));
  } finally {
    await s.close();
  }
});

test("drop: files dropped through a DataTransfer are analysed", async () => {
  const s = await open({ isolate: true });
  try {
    const dataTransfer = await s.page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(["Test: dropped one\nResult: PASS\n"], "a.log"));
      dt.items.add(new File(["Test: dropped two\nResult: FAIL\n"], "b.log"));
      return dt;
    });
    await s.page.dispatchEvent(".drop", "drop", { dataTransfer });
    await s.page.waitForSelector("#tests-table td.name");
    const summary = await s.page.evaluate(() => window.LogResultAccumulator.summary());
    assert.deepEqual(summary.files.map((f) => f.name), ["a.log", "b.log"]);
    assert.deepEqual(summary.tests.map((t) => [t.name, t.passed, t.failed]), [["dropped one", 1, 0], ["dropped two", 0, 1]]);
    // Failures first in the table.
    assert.equal(await s.page.textContent("#tests-table tbody tr:first-child td.name"), "dropped two");
  } finally {
    await s.close();
  }
});

test("cancel stops a long analysis within about a second and the page stays usable", async () => {
  const s = await open({ isolate: false, blockServiceWorkers: true });
  try {
    // Two 2 GB logs made in the page from one generated slice, repeated: the pool of parsers
    // reads them at once, and Cancel stops both.
    await s.page.evaluate(() => {
      const line = "# Test: Apples Test\n# noise noise noise noise noise noise\n# Result: PASS\n";
      const slice = new Blob([line.repeat(Math.ceil((8 << 20) / line.length))]);
      const big = (name) => new File(Array(256).fill(slice), name);
      window.LogResultAccumulator.analyze([big("big.log"), big("big2.log")]);
    });
    await s.page.waitForSelector("#cancel");
    await s.page.waitForTimeout(500);
    const t0 = Date.now();
    await s.page.click("#cancel");
    await s.page.waitForSelector("#cancel", { state: "detached", timeout: 1500 });
    assert.ok(Date.now() - t0 < 1500);
    await engineReady(s.page);
    const summary = await analyzeTexts(s.page, [["after.log", "Test: after cancel\nResult: PASS\n"]]);
    assert.deepEqual(summary.files.map((f) => f.name), ["after.log"]);
    assert.equal(summary.totals.passed, 1);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("counts have their thousands apart; no Iteration lines give a sentence, not an empty chart", async () => {
  const s = await open({ isolate: true });
  try {
    // 1,234 runs of one test and 1,000 of another, with no Iteration line.
    const runs = (name, n, word) => `Test: ${name}\nResult: ${word}\n`.repeat(n);
    await analyzeTexts(s.page, [["many.log", runs("often", 1234, "PASS") + runs("thousand", 1000, "FAIL")]]);
    await s.page.waitForSelector("#tests-table td.name");
    const figures = Object.fromEntries(
      await s.page.$$eval(".summary-header .figure", (fs) => fs.map((f) => [f.querySelector(".label").textContent, f.querySelector(".value").textContent])),
    );
    assert.equal(figures["tests run"], "2,234");
    assert.equal(figures["passed"], "1,234");
    assert.equal(figures["failed"], "1,000");
    const rows = await s.page.$$eval("#tests-table tbody tr", (rows) => rows.map((r) => [...r.cells].slice(0, 4).map((c) => c.textContent)));
    assert.deepEqual(rows.sort(), [["often", "1,234", "1,234", "0"], ["thousand", "1,000", "0", "1,000"]]);
    assert.match(await s.page.textContent("#iterations-note"), /no Iteration lines/);
    assert.equal(await s.page.locator("#chart-iterations").count(), 0);
    // Once a file has iterations, the chart is back.
    await analyzeTexts(s.page, [["iterations.log", "Iteration 1\nTest: often\nResult: PASS\n"]]);
    await s.page.waitForSelector("#chart-iterations canvas, #chart-iterations svg");
    assert.equal(await s.page.locator("#iterations-note").count(), 0);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("a test name holding a script is shown as text and runs nothing", async () => {
  const s = await open({ isolate: true });
  try {
    const name = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    await analyzeTexts(s.page, [["x.log", `Test: ${name}\nResult: FAIL\nResult: <b>bold</b>\n`]]);
    await s.page.waitForSelector("#tests-table td.name");
    assert.equal(await s.page.textContent("#tests-table td.name"), name);
    assert.equal(await s.page.locator("main img").count(), 0);
    // Hover the bar chart so that ECharts draws its tooltip with the name.
    const box = await s.page.locator("#chart-tests canvas").first().boundingBox();
    await s.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await s.page.waitForTimeout(300);
    assert.equal(await s.page.locator("img[src=x]").count(), 0);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("the charts are painted: the bar chart's passed and failed bars and the donut are on their canvases", async () => {
  const s = await open({ isolate: true });
  try {
    // Three tests that pass and one that fails, over two iterations.
    const log = "Iteration 1\nTest: a\nResult: PASS\nTest: b\nResult: PASS\nTest: c\nResult: FAIL\n" +
      "Iteration 2\nTest: a\nResult: PASS\nTest: b\nResult: FAIL\nTest: c\nResult: FAIL\n";
    await analyzeTexts(s.page, [["painted.log", log]]);
    // Pixels of exactly the colours the charts are given (lra-session's charts.rs: passed
    // #2e9e5b, failed #d64545), counted on each chart's canvas once drawn.
    const colours = (id) =>
      s.page.evaluate((id) => {
        const canvas = document.querySelector(`#${id} canvas`);
        if (!canvas) return null;
        const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        const n = { green: 0, red: 0 };
        for (let i = 0; i < d.length; i += 4) {
          if (d[i] === 0x2e && d[i + 1] === 0x9e && d[i + 2] === 0x5b) n.green++;
          if (d[i] === 0xd6 && d[i + 1] === 0x45 && d[i + 2] === 0x45) n.red++;
        }
        return n;
      }, id);
    for (const id of ["chart-tests", "chart-classes"]) {
      await s.page.waitForFunction((id) => document.querySelector(`#${id} canvas`), id);
      // Painted in a frame after the chart's option is set.
      await s.page.waitForFunction(async (id) => {
        const c = document.querySelector(`#${id} canvas`);
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        return d.some((v, i) => i % 4 === 3 && v > 0);
      }, id);
      const n = await colours(id);
      assert.ok(n.green > 100 && n.red > 100, `${id}: ${JSON.stringify(n)} pixels of the passed and failed colours`);
    }
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("no request leaves the page's origin", async () => {
  const s = await open({ isolate: true });
  try {
    await analyzeFixtures(s.page, LOGS);
    await s.page.click("#export-json");
    await s.page.click("#sample");
    await s.page.waitForFunction(() => document.querySelector("#tests-table")?.textContent.includes("Apples"));
    const foreign = s.requests.filter((u) => !u.startsWith(s.server.origin + "/") && !u.startsWith("blob:") && !u.startsWith("data:"));
    assert.deepEqual(foreign, []);
    assert.ok(s.requests.length > 3);
  } finally {
    await s.close();
  }
});

test("exports: JSON is the lra-summary/1 object, CSV one row per test", async () => {
  const s = await open({ isolate: true });
  try {
    await analyzeFixtures(s.page, ["seed-sample.log"]);
    const [json] = await Promise.all([s.page.waitForEvent("download"), s.page.click("#export-json")]);
    const exported = JSON.parse(execFileSync("cat", [await json.path()]));
    assert.deepEqual(essence(exported), essence(cli(["seed-sample.log"])));
    const [csv] = await Promise.all([s.page.waitForEvent("download"), s.page.click("#export-csv")]);
    const rows = execFileSync("cat", [await csv.path()]).toString().trim().split("\n");
    assert.equal(rows.length, 4);
    assert.match(rows[0], /^name,runs,passed,failed/);
  } finally {
    await s.close();
  }
});

test("sample button and screenshot of the summary page", async () => {
  const s = await open({ isolate: true });
  try {
    await s.page.setViewportSize({ width: 1280, height: 900 });
    await s.page.click("#sample");
    await s.page.waitForSelector("#tests-table td.name");
    await s.page.waitForTimeout(2000); // let the charts' animation settle
    await s.page.screenshot({ path: path.join(ARTIFACTS, "summary.png"), fullPage: true });
    const summary = await s.page.evaluate(() => window.LogResultAccumulator.summary());
    assert.equal(summary.files[0].name, "sample.log");
    assert.equal(summary.iterations.length, 12);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("inside an iframe: posts the summary to the parent and accepts files from it", async () => {
  const portal = `<!doctype html><title>portal</title>
    <iframe id="lra" src="/lra/" width="1000" height="800"></iframe>
    <script>
      window.received = [];
      addEventListener("message", (e) => { if (e.data && e.data.type === "lra:summary") window.received.push(e.data.summary); });
    </script>`;
  const server = await serve({ root: DIST, isolate: false, extra: { "/portal.html": portal } });
  const context = await shared().newContext({ serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    await page.goto(server.origin + "/portal.html");
    const frame = page.frame({ url: /\/lra\/$/ });
    await frame.waitForFunction(() => window.LogResultAccumulator);
    await engineReady(frame);
    assert.match(await frame.textContent("body"), /LogResultAccumulator/);
    await page.evaluate(() => {
      const file = new File(["Test: from portal\nResult: PASS\n"], "portal.log");
      document.querySelector("#lra").contentWindow.postMessage({ type: "lra:analyze", files: [file] }, "*");
    });
    await page.waitForFunction(() => window.received.length > 0);
    const summary = await page.evaluate(() => window.received[0]);
    assert.deepEqual(summary.tests.map((t) => t.name), ["from portal"]);
    assert.match(await frame.textContent("#threads"), /^\d+ threads?: this page is not cross-origin isolated/);
  } finally {
    await context.close();
    await server.close();
  }
});

const FLAKY_LOG = [
  "Iteration 1", "Test: steady", "Result: PASS", "Test: wobbly", "Result: PASS", "Test: broken", "Result: FAIL expected 3 got 4",
  "Iteration 2", "Test: steady", "Result: PASS", "Test: wobbly", "Result: FAIL timeout after 30 s", "Test: broken", "Result: FAIL expected 10 got 7",
  "Iteration 3", "Test: steady", "Result: PASS", "Test: wobbly", "Result: PASS", "Test: broken", "Result: FAIL expected 1 got 2",
  "",
].join("\n");

test("flaky view and why-tests-fail view", async () => {
  const s = await open({ isolate: true });
  try {
    await analyzeTexts(s.page, [["flaky.log", FLAKY_LOG]]);
    await s.page.click("#tab-flaky");
    await s.page.waitForSelector("#flaky-table");
    const flaky = await s.page.$$eval("#flaky-table tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(flaky, [["wobbly", "2", "1", "2", "1.00", "66.7%"]]);
    // The heatmap: failing tests as rows, most failures first, one column per iteration.
    await s.page.waitForSelector("#chart-heatmap canvas");
    const option = await s.page.evaluate(() => {
      const o = echarts.getInstanceByDom(document.getElementById("chart-heatmap")).getOption();
      return { rows: o.yAxis[0].data, columns: o.xAxis[0].data, cells: o.series[0].data, zooms: o.dataZoom.length, legend: o.visualMap[0].text };
    });
    assert.deepEqual(option.legend, ["every run failed", "none failed"]);
    assert.deepEqual(option.rows, ["wobbly", "broken"]);
    assert.deepEqual(option.columns, ["1", "2", "3"]);
    assert.deepEqual(option.cells.map((c) => c.slice(0, 3)), [[0, 0, 0], [1, 0, 1], [2, 0, 0], [0, 1, 1], [1, 1, 1], [2, 1, 1]]);
    assert.equal(option.zooms, 4);
    // Its table is made when its disclosure opens.
    assert.equal(await s.page.locator("#heatmap-table").count(), 0);
    await s.page.click("text=Failing cells per test, as a table");
    await s.page.waitForSelector("#heatmap-table tbody tr");
    const heat = await s.page.$$eval("#heatmap-table tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(heat, [["wobbly", "1 of 3", "2 (1/1)", "flaky.log:12"], ["broken", "3 of 3", "1…3 (1/1 each)", "flaky.log:7"]]);
    // A row's first failure opens the run viewer there.
    await s.page.click("#heatmap-table tr:has-text('wobbly') button.open-at");
    await s.page.waitForSelector("#log-lines li.anchor");
    assert.equal(await s.page.textContent("#log-lines li.anchor .text"), "Result: FAIL timeout after 30 s");
    await s.page.keyboard.press("Escape");
    await s.page.waitForSelector(".viewer", { state: "detached" });
    // Hovering a cell names the test, the iteration and the runs.
    await s.page.waitForTimeout(1000);
    const [x, y] = await s.page.evaluate(() =>
      echarts.getInstanceByDom(document.getElementById("chart-heatmap")).convertToPixel({ seriesIndex: 0 }, [1, 0]));
    await s.page.locator("#chart-heatmap").scrollIntoViewIfNeeded();
    const box = await s.page.locator("#chart-heatmap").boundingBox();
    await s.page.mouse.move(box.x + x, box.y + y);
    await s.page.waitForFunction(() => /wobbly · iteration 2: 1 of 1 runs failed/.test(document.querySelector("#chart-heatmap")?.textContent ?? ""));
    await s.page.waitForTimeout(1500); // let the charts' animation settle
    await s.page.screenshot({ path: path.join(ARTIFACTS, "flaky.png"), fullPage: true });
    await s.page.click("#tab-failures");
    await s.page.waitForSelector("#failures-table");
    const reasons = await s.page.$$eval("#failures-table tbody tr", (rows) => rows.map((r) => [r.cells[0].textContent, r.cells[1].textContent, r.cells[2].textContent]));
    assert.deepEqual(reasons, [
      ["expected 3 got 4 (as expected # got #)", "3", "broken"],
      ["timeout after 30 s (as timeout after # s)", "1", "wobbly"],
    ]);
    const summary = await s.page.evaluate(() => window.LogResultAccumulator.summary());
    assert.deepEqual(summary.failure_groups.map((g) => [g.detail, g.count]), [["expected # got #", 3], ["timeout after # s", 1]]);
    assert.deepEqual(summary.tests.map((t) => [t.name, t.transitions, t.flaky]), [["steady", 0, false], ["wobbly", 2, true], ["broken", 0, false]]);
    await s.page.screenshot({ path: path.join(ARTIFACTS, "failures.png"), fullPage: true });
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("heatmap of a long run: the most failing tests by every iteration, zoomable", async () => {
  const s = await open({ isolate: true });
  try {
    const summary = await analyzeFixtures(s.page, ["generated.log"]);
    await s.page.click("#tab-flaky");
    await s.page.waitForSelector("#chart-heatmap canvas");
    const option = () => s.page.evaluate(() => {
      const o = echarts.getInstanceByDom(document.getElementById("chart-heatmap")).getOption();
      return { rows: o.yAxis[0].data, columns: o.xAxis[0].data, cells: o.series[0].data.map((c) => c.slice(0, 3)), zoom: o.dataZoom };
    });
    const drawn = await option();
    // Worked out here from the saved summary's per-iteration spans: the tests that failed, flaky
    // ones first, most failures first, and a cell for each iteration in which one passed or failed.
    const failing = summary.tests
      .filter((t) => t.failed > 0)
      .sort((a, b) => b.flaky - a.flaky || b.failed - a.failed || b.missing - a.missing || b.other - a.other)
      .slice(0, 50);
    assert.ok(failing[0].flaky && !failing.at(-1).flaky);
    assert.ok(failing.length > 10, `${failing.length} failing tests`);
    assert.deepEqual(drawn.rows, failing.map((t) => t.name));
    assert.deepEqual(drawn.columns, summary.iterations.map((i) => i.label));
    assert.ok(summary.iterations.length > 1000, `${summary.iterations.length} iterations`);
    const expected = failing.flatMap((t, row) =>
      t.by_iteration.flatMap(([first, len, passed, failed]) =>
        Array.from({ length: len }, (_, k) => [first + k, row, failed / (passed + failed)])));
    assert.equal(drawn.cells.length, expected.length);
    assert.deepEqual(drawn.cells, expected);
    await s.page.locator("#chart-heatmap").scrollIntoViewIfNeeded();
    await s.page.waitForTimeout(1000);
    await s.page.locator("#chart-heatmap").screenshot({ path: path.join(ARTIFACTS, "heatmap.png") });
    // At first, as many iterations as keep the cells in view within 8,000 (each cell in view is
    // drawn); the mouse wheel zooms further into them.
    const span = () => s.page.evaluate(() => {
      const z = echarts.getInstanceByDom(document.getElementById("chart-heatmap")).getOption().dataZoom;
      const x = z.find((d) => [].concat(d.xAxisIndex ?? []).includes(0));
      return x.end - x.start;
    });
    const first = await span();
    const inView = Math.min(drawn.rows.length, 20) * drawn.columns.length;
    assert.ok(Math.abs(first - Math.min(100, (100 * 8000) / inView)) < 1e-6, `${first}% of ${drawn.columns.length} iterations in view`);
    const box = await s.page.locator("#chart-heatmap").boundingBox();
    await s.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 5; i++) await s.page.mouse.wheel(0, -400);
    await s.page.waitForFunction((first) => {
      const z = echarts.getInstanceByDom(document.getElementById("chart-heatmap")).getOption().dataZoom;
      return z.some((d) => [].concat(d.xAxisIndex ?? []).includes(0) && d.end - d.start < first);
    }, first);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("compare with a baseline: files given so far, or a saved summary", async () => {
  const BASE = "Test: a\nResult: PASS\nTest: b\nResult: FAIL\nTest: c\nResult: FAIL\nTest: gone\nResult: PASS\n";
  const CURRENT = "Test: a\nResult: FAIL\nTest: b\nResult: PASS\nTest: c\nResult: ERROR\nTest: new\nResult: PASS\n";
  const lists = (page) =>
    page.$$eval(".diff-list", (divs) => divs.map((d) => [d.id, [...d.querySelectorAll("li")].map((li) => li.textContent)]));
  const expected = [["new-failures", ["a"]], ["fixed", ["b"]], ["still-failing", ["c"]], ["new-tests", ["new"]], ["removed-tests", ["gone"]], ["regressions", []]];
  const s = await open({ isolate: true });
  try {
    const base = await analyzeTexts(s.page, [["base.log", BASE]]);
    await s.page.click("#tab-compare");
    await s.page.click("#files-as-baseline");
    await analyzeTexts(s.page, [["current.log", CURRENT]]);
    await s.page.waitForSelector(".diff-list");
    assert.deepEqual(await lists(s.page), expected);
    assert.match(await s.page.textContent("#new-failures h3"), /New failures \(1\)/);
    await s.page.waitForTimeout(1500); // let the charts' animation settle
    await s.page.screenshot({ path: path.join(ARTIFACTS, "compare.png"), fullPage: true });
    // A saved summary (an Export JSON) as the baseline, in a fresh page.
    const other = await s.context.newPage();
    await other.goto(s.server.url + "#view=compare");
    await engineReady(other);
    await other.setInputFiles("#baseline-file", { name: "base.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(base)) });
    await analyzeTexts(other, [["current.log", CURRENT]]);
    await other.waitForSelector(".diff-list");
    assert.deepEqual(await lists(other), expected);
    // These logs have failures but no iterations: the Flaky view says so instead of an empty heatmap.
    await other.click("#tab-flaky");
    assert.match(await other.textContent("#heatmap-note"), /no Iteration lines/);
    assert.equal(await other.locator("#chart-heatmap").count(), 0);
  } finally {
    await s.close();
  }
});

test("deep links: view, filter, sort and selected test live in the URL hash", async () => {
  const s = await open({ isolate: true });
  try {
    await analyzeFixtures(s.page, ["seed-sample.log"]);
    await s.page.fill("#filter", "o");
    await s.page.click("#tests-table th:nth-child(1) button"); // sort by name
    await s.page.click("#tests-table tbody tr:first-child");
    await s.page.waitForSelector("#selected-test");
    const hash = await s.page.evaluate(() => location.hash);
    assert.equal(hash, "#view=tests&filter=o&sort=name-asc&test=Oranges%20Test");
    // Reload: the state comes back and applies once the same files are given again.
    await s.page.reload();
    await engineReady(s.page);
    await analyzeFixtures(s.page, ["seed-sample.log"]);
    await s.page.waitForSelector("#selected-test");
    assert.equal(await s.page.inputValue("#filter"), "o");
    const names = await s.page.$$eval("#tests-table tbody td.name", (cells) => cells.map((c) => c.textContent));
    assert.deepEqual(names, ["Oranges Test", "Watermelon Test"]);
    assert.match(await s.page.textContent("#selected-test"), /^Oranges Test: 3 runs/);
    // Another view from a link, in a new page.
    const linked = await s.context.newPage();
    await linked.goto(s.server.url + "#view=failures");
    await engineReady(linked);
    await analyzeFixtures(linked, ["seed-sample.log"]);
    await linked.waitForSelector("#failures-table");
    assert.equal(await linked.getAttribute("#tab-failures", "aria-selected"), "true");
  } finally {
    await s.close();
  }
});

test("exported report opens from file:// with the network blocked", async () => {
  const s = await open({ isolate: true });
  try {
    const hostile = '<img src=x onerror=alert(1)>';
    await analyzeTexts(s.page, [["flaky.log", FLAKY_LOG + `Test: ${hostile}\nResult: FAIL <b>why</b>\n`]]);
    const [download] = await Promise.all([s.page.waitForEvent("download"), s.page.click("#export-report")]);
    const file = path.join(ARTIFACTS, "lra-report.html");
    await download.saveAs(file);
    const { page, problems, requests, close } = await openOffline(shared(), file);
    await page.waitForSelector("#chart-tests canvas");
    assert.equal(await page.locator("#chart-iterations canvas").count(), 1);
    assert.equal(await page.locator("#chart-classes canvas").count(), 1);
    assert.equal(await page.locator("#chart-heatmap canvas").count(), 1);
    const heatmapRows = await page.evaluate(() => echarts.getInstanceByDom(document.getElementById("chart-heatmap")).getOption().yAxis[0].data);
    assert.deepEqual(heatmapRows, ["wobbly", "broken", hostile]);
    const names = () => page.$$eval("#tests-table tbody td:first-child", (cells) => cells.map((c) => c.textContent));
    assert.deepEqual(await names(), ["broken", "wobbly", hostile, "steady"]);
    await page.click("#tests-table th:first-child button");
    assert.deepEqual(await names(), [hostile, "broken", "steady", "wobbly"]);
    await page.fill("#filter", "wob");
    assert.deepEqual(await names(), ["wobbly"]);
    assert.equal(await page.locator("#flaky-table tbody tr").count(), 1);
    assert.equal(await page.locator("#failures-table tbody tr").count(), 3);
    assert.equal(await page.locator("img").count(), 0);
    await page.fill("#filter", "");
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(ARTIFACTS, "report.png"), fullPage: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(requests(), []);
    await close();
  } finally {
    await s.close();
  }
});

test("a saved summary given as a file is loaded back for viewing; other .json files are read as logs", async () => {
  const s = await open({ isolate: true });
  try {
    const saved = cli(["seed-sample.log"]);
    const summary = await analyzeTexts(s.page, [["saved.json", JSON.stringify(saved)]]);
    assert.deepEqual(essence(summary), essence(saved));
    await s.page.waitForSelector("#tests-table td.name");
    // More logs add to it; a .json file that is not a summary is a log like any other.
    const more = await analyzeTexts(s.page, [["events.json", '{"event": "x"}\nTest: json-lines\nResult: PASS\n']]);
    assert.equal(more.files.length, 2);
    assert.equal(more.files[1].name, "events.json");
    assert.deepEqual(more.tests.at(-1).name, "json-lines");
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("a summary is told by its content, not its name: lra merge's output, named .summary, opens as one", async () => {
  // Two saved summaries merged by `lra merge`, as the Spark job's driver writes its result.
  mkdirSync(ARTIFACTS, { recursive: true });
  const parts = ["seed-sample.log", "messy.log"].map((name, i) => {
    const file = path.join(ARTIFACTS, `part-${i}.json`);
    writeFileSync(file, JSON.stringify(cli([name])));
    return file;
  });
  const merged = execFileSync(LRA, ["merge", ...parts], { maxBuffer: 64 << 20 }).toString();
  const s = await open({ isolate: true });
  try {
    const summary = await analyzeTexts(s.page, [["week-48.summary", merged]]);
    assert.deepEqual(essence(summary), essence(cli(["seed-sample.log", "messy.log"])));
    assert.equal(summary.files.length, 2);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("a saved summary whose parts do not agree is refused with the reason; the summary shown stays", async () => {
  // Valid JSON, but a test listed twice: merged, its counts would add up and its run order be
  // overwritten, a silently wrong summary.
  const bad = cli(["messy.log"]);
  bad.tests.push(bad.tests[0]);
  const s = await open({ isolate: true });
  try {
    await analyzeFixtures(s.page, ["seed-sample.log"]);
    const after = await analyzeTexts(s.page, [["bad.summary", JSON.stringify(bad)]]);
    assert.deepEqual(essence(after), essence(cli(["seed-sample.log"])), "nothing of the refused summary counts");
    const error = await s.page.textContent(".errors");
    assert.match(error, /bad\.summary/);
    assert.ok(error.includes(`a saved summary whose parts do not agree: test ${JSON.stringify(bad.tests[0].name)} is listed twice`), error);
    const next = await analyzeFixtures(s.page, ["messy.log"]);
    assert.deepEqual(essence(next), essence(cli(["seed-sample.log", "messy.log"])));
  } finally {
    await s.close();
  }
});

test("files larger than 4 GiB: the CLI through a pipe and the app through a Blob", async () => {
  // The CLI: 4.3 GiB generated and piped straight into `lra summarize -`, never on disk.
  const size = 4.3 * 2 ** 30;
  const { spawn } = await import("node:child_process");
  const gen = spawn(LRA, ["generate", "--tests", "50", "--flaky", "5", "--size", String(Math.round(size))]);
  const sum = spawn(LRA, ["summarize", "--format", "json", "-"]);
  gen.stdout.pipe(sum.stdin);
  let out = "";
  sum.stdout.on("data", (d) => (out += d));
  await new Promise((resolve) => sum.on("close", resolve));
  const cliSummary = JSON.parse(out);
  assert.ok(cliSummary.files[0].bytes > 2 ** 32, `${cliSummary.files[0].bytes} bytes`);
  assert.equal(cliSummary.totals.tests, cliSummary.totals.passed + cliSummary.totals.failed);
  assert.equal(cliSummary.totals.tests % 50, 0);

  // The app: 4.5 GiB made of one generated slice repeated, so the last test sits past 4 GiB.
  const s = await open({ isolate: true });
  try {
    const result = await s.page.evaluate(async () => {
      const block = "# Iteration 1\n# Test: Big Test\n# noise noise noise\n# Result: PASS\n";
      const slice = new Blob([block.repeat(Math.floor((8 << 20) / block.length))]);
      const copies = Math.ceil((4.5 * 2 ** 30) / slice.size);
      const tail = new Blob(["# Test: Last Test\n# Result: FAIL past 4 GiB\n"]);
      const file = new File([...Array(copies).fill(slice), tail], "huge.log");
      const summary = await window.LogResultAccumulator.analyze([file]);
      return { summary, size: file.size, perSlice: Math.floor((8 << 20) / block.length), copies, lines: block.split("\n").length - 1 };
    });
    const { summary, size: bytes, perSlice, copies, lines } = result;
    assert.ok(bytes > 4.5 * 2 ** 30 - (8 << 20));
    assert.equal(summary.files[0].bytes, bytes);
    assert.equal(summary.totals.tests, perSlice * copies + 1);
    const last = summary.tests.find((t) => t.name === "Last Test");
    assert.equal(last.failed, 1);
    // Its line number is past 2^32 / (bytes per line), counted exactly.
    assert.equal(last.first_failure.line, perSlice * copies * lines + 2);
    // The run viewer opens its lines, read from the Blob past 4 GiB, numbered.
    await s.page.click("#tests-table tr:has(td.name:text-is('Last Test')) button.open-at");
    await s.page.waitForSelector("#log-lines li.anchor");
    const anchor = await s.page.$eval("#log-lines li.anchor", (li) => [li.querySelector(".n").textContent, li.querySelector(".text").textContent]);
    assert.deepEqual(anchor, [last.first_failure.line.toLocaleString("en-US"), "# Result: FAIL past 4 GiB"]);
    assert.ok(last.first_failure.offset > 2 ** 32, `offset ${last.first_failure.offset}`);
  } finally {
    await s.close();
  }
});

test("name modes of saved summaries: adopted on an empty page, refused with a message otherwise; Clear empties", async () => {
  const s = await open({ isolate: true });
  try {
    const firstWord = cli(["seed-sample.log"], "first-word");
    const loaded = await analyzeTexts(s.page, [["fw.json", JSON.stringify(firstWord)]]);
    assert.equal(loaded.name_mode, "first-word");
    assert.equal(await s.page.inputValue("select"), "first-word");
    // A line-mode summary does not mix with it: a message says why, and nothing is lost.
    const after = await analyzeTexts(s.page, [["line.json", JSON.stringify(cli(["seed-sample.log"]))]]);
    assert.deepEqual(essence(after), essence(firstWord));
    assert.match(await s.page.textContent(".errors"), /line\.json: cannot merge a summary with line names into one with first-word names/);
    // Clear: summary() is null again.
    await s.page.click("#clear");
    assert.equal(await s.page.evaluate(() => window.LogResultAccumulator.summary()), null);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("suites: names with parts group into a tree with rolled-up counts; a test opens in the table", async () => {
  const log = [
    "Iteration 1", "Test: web/login", "Result: PASS", "Test: web/logout", "Result: FAIL", "Test: api/users/list", "Result: PASS",
    "Iteration 2", "Test: web/login", "Result: PASS", "Test: web/logout", "Result: PASS", "Test: api/users/list", "Result: SKIP",
    "",
  ].join("\n");
  const s = await open({ isolate: true, hash: "#view=suites" });
  try {
    await analyzeTexts(s.page, [["suites.log", log]]);
    const table = () => s.page.$$eval("#suites-table tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    await s.page.waitForSelector("#suites-table tbody tr");
    // Suite or test, tests, runs, passed, failed, skipped, pass rate, flaky: worked out by hand.
    assert.deepEqual(await table(), [
      ["web", "2", "4", "3", "1", "0", "75.0%", "1"],
      ["api", "1", "2", "1", "0", "1", "100.0%", "0"],
    ]);
    await s.page.click("#suites-table button:text('api')");
    await s.page.waitForFunction(() => document.querySelector("#suites-table tbody td")?.textContent === "users");
    await s.page.click("#suites-table button:text('users')");
    await s.page.waitForFunction(() => document.querySelector("#suites-table tbody td")?.textContent === "list");
    assert.deepEqual(await s.page.$$eval(".crumbs button", (b) => b.map((x) => x.textContent)), ["All", "api", "users"]);
    // A test: the tests table, filtered to it, with it selected.
    await s.page.click("#suites-table button:text('list')");
    await s.page.waitForSelector("#selected-test");
    assert.equal(await s.page.inputValue("#filter"), "api/users/list");
    assert.match(await s.page.textContent("#selected-test"), /^api\/users\/list: 2 runs/);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("a saved history on the page: the tests table says since when, the report carries its History", async () => {
  const hostile = "<img src=x onerror=alert(1)>";
  const history = designedHistory("app-history-builds", hostile);
  const s = await open({ isolate: true });
  try {
    await analyzeTexts(s.page, [["history.json", history]]);
    await s.page.waitForSelector("#tests-table tbody tr");
    const heads = await s.page.$$eval("#tests-table th", (ths) => ths.map((th) => th.textContent.replace(/ [▲▼]$/, "")));
    assert.equal(heads.at(-1), "Failing since");
    // The latest build each test fails since first: by the design, broke since build 8 and the
    // hostile name since build 12, which is later.
    await s.page.click("#tests-table th:last-child button");
    await s.page.waitForFunction(() => document.querySelector("#tests-table th:last-child").getAttribute("aria-sort") === "descending");
    const rows = () =>
      s.page.$$eval("#tests-table tbody tr", (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[tr.cells.length - 1].textContent]));
    await s.page.waitForFunction(() => document.querySelector("#tests-table tbody td").textContent !== "steady");
    assert.deepEqual((await rows()).slice(0, 3), [[hostile, "build-12.log"], ["broke", "build-8.log"], ["steady", "–"]]);

    // The History view: every test, newly broken first (the latest change point, then the
    // latest failing since), each cell coloured by its build's failure rate, by the design.
    await s.page.click("#tab-history");
    await s.page.waitForSelector("#history-grid tbody tr");
    assert.equal(await s.page.textContent(".history h2"), "History (5 tests × 12 builds)");
    const grid = await s.page.$$eval("#history-grid tbody tr", (trs) =>
      trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent, [...tr.cells].slice(3).map((c) => c.className.replace("hc ", "") + c.textContent).join(" ")]),
    );
    const cells = (...spans) => spans.flatMap(([n, c]) => Array(n).fill(c)).join(" ");
    assert.deepEqual(grid, [
      ["broke", "build-8.log", cells([7, "r0"], [1, "r4▲"], [4, "r4"])],
      ["fixed", "–", cells([3, "r4"], [1, "r0▲"], [8, "r0"])],
      [hostile, "build-12.log", cells([11, "none"], [1, "r4"])],
      ["flaky", "–", cells([12, "r1"])],
      ["steady", "–", cells([12, "r0"])],
    ]);
    assert.equal(await s.page.locator("img").count(), 0, "a name is text, never markup");
    await s.page.click("#history-grid tbody tr:first-child td:nth-child(11)");
    const picked = await s.page.textContent("#history-picked");
    assert.match(picked, /^broke in build-8\.log: 10 of 10 runs failed\. Over every build: ran in 12 builds, failed in 5 \(0 of them flaky\)/);
    assert.match(picked, /Its failure rate changed at build-8\.log: it failed 0 of 70 runs before, 50 of 50 from then on/);
    assert.match(picked, /came from a saved summary, which keeps counts, not lines/);
    assert.equal(await s.page.locator("#history-runs").count(), 0);
    await s.page.locator("section.history").screenshot({ path: path.join(ARTIFACTS, "history.png") });
    await s.page.click("#history-picked button");
    await s.page.waitForSelector("#selected-test");
    assert.match(await s.page.textContent("#selected-test"), /^broke: 120 runs/);
    const [download] = await Promise.all([s.page.waitForEvent("download"), s.page.click("#export-report")]);
    const file = path.join(ARTIFACTS, "lra-history-report.html");
    await download.saveAs(file);
    const { page, problems, requests, close } = await openOffline(shared(), file);
    try {
      await page.waitForSelector("#chart-history canvas");
      assert.equal(await page.textContent("section[aria-label=History] h2"), "History: 12 builds, build-1.log … build-12.log");
      const names = await page.$$eval("#history-table tbody tr", (trs) => trs.map((tr) => tr.cells[0].textContent));
      assert.deepEqual(names, ["broke", "fixed", hostile, "flaky"]);
      assert.equal(await page.locator("img").count(), 0);
      assert.deepEqual(problems, []);
      assert.deepEqual(requests(), []);
    } finally {
      await close();
    }
  } finally {
    await s.close();
  }
});

test("a folder of one subfolder per build, picked: read as builds by itself, in natural order, as lra history reads it", async () => {
  const dir = path.join(ARTIFACTS, "app-builds-folder", "ci");
  rmSync(dir, { recursive: true, force: true });
  const hostile = "<img src=x onerror=alert(1)>";
  for (let b = 1; b <= 12; b++) {
    mkdirSync(path.join(dir, `build-${b}`), { recursive: true });
    // Two logs a build: its iterations 1–5 and 6–10.
    const [first, second] = historyBuildLog(b, hostile).split("Iteration 6\n");
    writeFileSync(path.join(dir, `build-${b}`, "a.log"), first);
    writeFileSync(path.join(dir, `build-${b}`, "b.log"), "Iteration 6\n" + second);
  }
  const expected = JSON.parse(execFileSync(LRA, ["history", dir], { maxBuffer: 64 << 20 }).toString());
  const s = await open({ isolate: true });
  try {
    await s.page.setInputFiles("input[type=file][webkitdirectory]", dir);
    await s.page.waitForSelector("#tab-history");
    assert.equal(await s.page.isChecked("#files-are-builds"), true, "on by itself");
    const summary = await s.page.evaluate(() => window.LogResultAccumulator.summary());
    assert.deepEqual(summary.builds, expected.builds);
    assert.deepEqual(summary.builds.map((b) => b.label).slice(8, 10), ["build-9", "build-10"]);
    const rows = (h) => h.tests.map((t) => [t.name, t.passed, t.failed, t.by_build, t.history]);
    assert.deepEqual(rows(summary), rows(expected));
    assert.equal(summary.files.length, 24);
    await s.page.click("#tab-history");
    await s.page.waitForSelector("#history-grid tbody tr");
    assert.equal(await s.page.textContent(".history h2"), "History (5 tests × 12 builds)");
    const first = await s.page.$$eval("#history-grid tbody tr:first-child > *", (cells) => cells.map((c) => c.textContent));
    assert.deepEqual(first.slice(0, 2), ["broke", "build-8"]);
    assert.equal(first.indexOf("▲"), 3 + 7, "broke's change point at build-8");
    // The page has the builds' files: a failed cell opens the run viewer at the test's first
    // failed run in that build, read from the file itself (line 4 of build-8's first log).
    await s.page.click("#history-grid tbody tr:first-child td:nth-child(11)");
    await s.page.click("#history-runs");
    await s.page.waitForSelector("#log-lines li.anchor");
    assert.match(await s.page.textContent("#viewer-where"), /^ci\/build-8\/a\.log line 4 · broke/);
    assert.equal(await s.page.textContent("#log-lines li.anchor .text"), "Test: broke");
    // A build where it passed has no failed run to show.
    await s.page.click("#history-grid tbody tr:first-child td:nth-child(4)");
    assert.equal(await s.page.locator("#history-runs").count(), 0);
    assert.equal(await s.page.locator("img").count(), 0);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});
