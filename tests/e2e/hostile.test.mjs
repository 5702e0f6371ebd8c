// Hostile names and lines (issue #12, item 4): test names with HTML, bidirectional controls,
// characters of no width, C0 and C1 controls, and one of 1 MB, an iteration label and a failure
// reason with HTML, and a log line with a terminal's escapes. Each place that shows them (the
// tests table, the selected test, the run viewer, the charts' axes and tooltips, the failure
// reasons, the anomalies, the exported report) must show them as text with the controls made
// visible, and cut past 2 KiB with the length said; Export JSON keeps them exact. The expected
// forms are written by hand from the rule in docs/design.md §1 ("Names shown and kept").
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

import { analyzeTexts, watchProblems } from "./browser.mjs";
import { ARTIFACTS, DIST, suite } from "./harness.mjs";

const { open, browser } = suite();

// Each name, and how it must be shown.
const HTML = `<img src=x onerror="window.__pwned='name'">`;
const SCRIPT = "<script>window.__pwned='script'</script> &amp; done";
const BIDI = "abc\u202efed.exe \u2066isolate\u2069 \u200eltr\u200fmark\u061c";
const BIDI_SHOWN = "abc⟨U+202E⟩fed.exe ⟨U+2066⟩isolate⟨U+2069⟩ ⟨U+200E⟩ltr⟨U+200F⟩mark⟨U+061C⟩";
const ZERO = "zero\u200bwidth\u200cnon\u200djoin\u2060word\ufeffbom";
const ZERO_SHOWN = "zero⟨U+200B⟩width⟨U+200C⟩non⟨U+200D⟩join⟨U+2060⟩word⟨U+FEFF⟩bom";
const CONTROL = "bell\u0007 esc\u001b[31mred\u001b[0m nel\u0085del\u007f";
const CONTROL_SHOWN = "bell␇ esc␛[31mred␛[0m nel⟨U+0085⟩del␡";
// Under the 1 MiB a line is read in, over the 4 KiB a name is kept in (design §1).
const BIG = "x".repeat(1_000_000);
const BIG_SHOWN = `${"x".repeat(2048)} … (1000000 bytes in all)`;
const MISSING = `missing \u202e<img src=x onerror="window.__pwned='missing'">`;
const MISSING_SHOWN = `missing ⟨U+202E⟩<img src=x onerror="window.__pwned='missing'">`;

const NAMES = [HTML, SCRIPT, BIDI, ZERO, CONTROL, BIG, MISSING];
const SHOWN = [HTML, SCRIPT, BIDI_SHOWN, ZERO_SHOWN, CONTROL_SHOWN, BIG_SHOWN, MISSING_SHOWN];

// Labels, a reason, a result word and a line of the log, as hostile.
const LABEL_1 = "<img/src/onerror=window.__pwned=7>";
const LABEL_2 = "2\u202e1";
const LABEL_2_SHOWN = "2⟨U+202E⟩1";
const REASON = `<img src=x onerror="window.__pwned='reason'"> \u202ereason`;
const REASON_SHOWN = `<img src=x onerror="window.__pwned='reason'"> ⟨U+202E⟩reason`;
const LINE = `\u001b]0;owned\u0007 \u202eevil <img src=x onerror="window.__pwned='line'">\tend`;
const LINE_SHOWN = `␛]0;owned␇ ⟨U+202E⟩evil <img src=x onerror="window.__pwned='line'">\tend`;
const WORD = "<IMG/SRC/ONERROR=ALERT(1)>";

// Every test flips between the two iterations, so that all are flaky rows of the heatmap.
const LOG = [
  `Iteration ${LABEL_1}`,
  `Test: ${HTML}`,
  LINE,
  `Result: FAIL ${REASON}`,
  ...[SCRIPT, BIDI, ZERO, CONTROL, BIG].flatMap((n, i) => [`Test: ${n}`, `Result: ${i % 2 ? "FAIL" : "PASS"}`]),
  `Iteration ${LABEL_2}`,
  `Test: ${HTML}`,
  "Result: PASS",
  ...[SCRIPT, BIDI, ZERO, CONTROL, BIG].flatMap((n, i) => [`Test: ${n}`, `Result: ${i % 2 ? "PASS" : "FAIL"}`]),
  `Result: ${WORD}`,
  `Test: ${MISSING}`,
  "",
].join("\n");

/** Characters that must never reach the page raw: C0 controls but tab and line feed (which
 * markup's own white space holds), DEL, C1, the bidirectional controls and those of no width. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u;

/** Elements that run code or load something: a name must never make one. */
const INJECTED = ["IMG", "SCRIPT", "SVG", "svg", "IFRAME", "OBJECT", "EMBED", "VIDEO", "AUDIO"];

/** Watches the document for elements a name could inject, from before it is given; every
 * element added with a tag that runs code or loads something is kept. */
function watchInjections() {
  window.__injected = [];
  const risky = new Set(["IMG", "SCRIPT", "SVG", "IFRAME", "OBJECT", "EMBED", "VIDEO", "AUDIO"]);
  const look = (node) => {
    if (node.nodeType !== 1) return;
    for (const el of [node, ...node.querySelectorAll("*")]) {
      if (risky.has(el.tagName.toUpperCase())) window.__injected.push(el.outerHTML.slice(0, 200));
    }
  };
  new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach(look))).observe(document, {
    childList: true,
    subtree: true,
  });
  // Long tasks, to tell a frozen page.
  window.__longest = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
  }).observe({ type: "longtask", buffered: false });
}

/** The text of the page's text nodes (not scripts' or styles') that holds a raw control, as
 * snippets; empty when there is none. */
function rawTexts(page) {
  return page.evaluate((source) => {
    const raw = new RegExp(source, "u");
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (["SCRIPT", "STYLE"].includes(n.parentElement?.tagName)) continue;
      if (raw.test(n.data)) found.push(JSON.stringify(n.data.slice(0, 120)));
    }
    // Attributes too (titles, labels).
    for (const el of document.body.querySelectorAll("*")) {
      for (const a of el.attributes) if (raw.test(a.value)) found.push(`${a.name}=${JSON.stringify(a.value.slice(0, 120))}`);
    }
    return found;
  }, RAW.source);
}

/** What a tooltip formatter's HTML holds: the elements it would make (by tag) and its text. It
 * is parsed in a <template>, where nothing runs or loads. */
function parseHtml(page, html) {
  return page.evaluate((html) => {
    const t = document.createElement("template");
    t.innerHTML = html;
    return { tags: [...t.content.querySelectorAll("*")].map((e) => e.tagName), text: t.content.textContent };
  }, html);
}

/** The heatmap's tooltip for every cell, through the chart's own formatter, parsed. */
async function heatmapTips(page) {
  const tips = await page.evaluate(() => {
    const option = echarts.getInstanceByDom(document.getElementById("chart-heatmap")).getOption();
    const format = [].concat(option.tooltip)[0].formatter;
    return option.series[0].data.map((value) => format({ value }));
  });
  return Promise.all(tips.map((html) => parseHtml(page, html)));
}

/** The heatmap's first cell in the row of the HTML name (rows are cut to 32 characters). */
function htmlCell(page) {
  const row = [...HTML].length > 32 ? [...HTML].slice(0, 32).join("") + "…" : HTML;
  return page.evaluate((row) => {
    const o = echarts.getInstanceByDom(document.getElementById("chart-heatmap")).getOption();
    return o.series[0].data.findIndex((v) => v[1] === o.yAxis[0].data.indexOf(row));
  }, row);
}

/** Shows the tooltip of `chart` (an element id) for a data index, as a hover would; its text and
 * the elements under the chart, once it says `want`. */
async function hover(page, id, dataIndex, want) {
  await page.evaluate(
    ([id, dataIndex]) => {
      echarts.getInstanceByDom(document.getElementById(id)).dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex });
    },
    [id, dataIndex],
  );
  await page.waitForFunction(
    ([id, want]) => [...document.querySelectorAll(`#${id} div`)].some((d) => d.textContent.includes(want)),
    [id, want],
  );
  return page.evaluate((id) => [...document.querySelectorAll(`#${id} *`)].map((e) => e.tagName), id);
}

/** The text of each name cell (the first of its row) of `table`. */
const cellTexts = (page, table) => page.$$eval(`${table} tbody td:first-child`, (cells) => cells.map((c) => c.textContent));

/** Clicks the tests table's row whose name cell shows `shown`. */
function clickRow(page, shown, selector = "") {
  return page.evaluate(
    ([shown, selector]) => {
      const row = [...document.querySelectorAll("#tests-table tbody tr")].find((tr) => tr.querySelector("td.name").textContent === shown);
      (selector ? row.querySelector(selector) : row).click();
    },
    [shown, selector],
  );
}

test("hostile names and lines are shown as text with their controls visible, cut past 2 KiB, and exported exactly", async (t) => {
  const s = await open({ isolate: true, hash: "#view=tests" });
  try {
    await s.page.evaluate(watchInjections);
    const started = Date.now();
    await analyzeTexts(s.page, [["hostile.log", LOG]]);
    await s.page.waitForFunction((n) => document.querySelectorAll("#tests-table tbody td.name").length === n, NAMES.length);
    const took = Date.now() - started;

    await t.test("the tests table shows each name as text, controls visible, the 1 MB one cut", async () => {
      assert.ok(took < 10_000, `the table took ${took} ms`);
      assert.deepEqual((await cellTexts(s.page, "#tests-table")).sort(), [...SHOWN].sort());
      assert.deepEqual(await rawTexts(s.page), []);
    });

    await t.test("the selected test: its name, reasons and first failed run's lines", async () => {
      await clickRow(s.page, HTML);
      await s.page.waitForSelector("#test-reasons li");
      assert.equal(await s.page.textContent("#selected-test strong"), HTML);
      assert.deepEqual(await s.page.$$eval("#test-reasons li", (li) => li.map((l) => l.textContent)), [REASON_SHOWN]);
      await s.page.waitForSelector("#first-run .log-lines li");
      const lines = await s.page.$$eval("#first-run .log-lines .text", (l) => l.map((x) => x.textContent));
      assert.deepEqual(lines, [`Test: ${HTML}`, LINE_SHOWN, `Result: FAIL ${REASON_SHOWN}`]);
      assert.deepEqual(await rawTexts(s.page), []);
    });

    await t.test("the run viewer shows the hostile line as text with its controls visible", async () => {
      await clickRow(s.page, HTML, "button.open-at");
      await s.page.waitForSelector("#log-lines li");
      const lines = await s.page.$$eval("#log-lines li .text", (l) => l.map((x) => x.textContent));
      assert.equal(lines[1], `Test: ${HTML}`);
      assert.equal(lines[2], LINE_SHOWN);
      assert.equal(lines[3], `Result: FAIL ${REASON_SHOWN}`);
      // The 1 MB name's line: its first 2,048 bytes, and its length.
      assert.ok(lines.includes(`Test: ${"x".repeat(2042)}`), "a long line is cut");
      assert.match(await s.page.textContent("#log-lines"), /the line is 1,000,006 bytes/);
      assert.match(await s.page.textContent("#viewer-where"), new RegExp(`^hostile\\.log line 4 · ${escapeRegExp(HTML)}: 1 failed runs`));
      assert.deepEqual(await rawTexts(s.page), []);
      await s.page.keyboard.press("Escape");
      await s.page.waitForSelector("#log-lines", { state: "detached" });
    });

    await t.test("the 1 MB name selected: cut in the detail, the page neither frozen nor widened", async () => {
      const at = Date.now();
      await clickRow(s.page, BIG_SHOWN);
      await s.page.waitForFunction((shown) => document.querySelector("#selected-test strong")?.textContent === shown, BIG_SHOWN);
      assert.ok(Date.now() - at < 5000, `the detail took ${Date.now() - at} ms`);
      const [scroll, width] = await s.page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(scroll <= width, `the page is ${scroll} px wide in a window of ${width}`);
      const longest = await s.page.evaluate(() => window.__longest);
      assert.ok(longest < 1000, `a task of ${longest} ms`);
    });

    await t.test("the bar chart's axis and tooltip show the names as text", async () => {
      await s.page.waitForFunction(() => document.querySelector("#chart-tests canvas") && echarts.getInstanceByDom(document.getElementById("chart-tests")));
      const axis = await s.page.evaluate(() => echarts.getInstanceByDom(document.getElementById("chart-tests")).getOption().xAxis[0].data);
      assert.deepEqual([...axis].sort(), [...SHOWN].sort());
      const tags = await hover(s.page, "chart-tests", axis.indexOf(HTML), HTML);
      assert.deepEqual(tags.filter((tag) => INJECTED.includes(tag)), []);
    });

    await t.test("the heatmap's axes and tooltips show the names and labels as text", async () => {
      await s.page.click("#tab-flaky");
      await s.page.waitForFunction(() => document.querySelector("#chart-heatmap canvas") && echarts.getInstanceByDom(document.getElementById("chart-heatmap"))?.getOption().series[0].data.length);
      const option = await s.page.evaluate(() => {
        const o = echarts.getInstanceByDom(document.getElementById("chart-heatmap")).getOption();
        return { rows: o.yAxis[0].data, columns: o.xAxis[0].data };
      });
      assert.deepEqual(option.columns, [LABEL_1, LABEL_2_SHOWN]);
      // Rows are cut to 32 characters on the axis.
      const cut = (name) => ([...name].length > 32 ? [...name].slice(0, 32).join("") + "…" : name);
      assert.deepEqual([...option.rows].sort(), SHOWN.filter((n) => n !== MISSING_SHOWN).map(cut).sort());
      const tips = await heatmapTips(s.page);
      assert.deepEqual(tips.flatMap((tip) => tip.tags), [], "a tooltip would make elements");
      for (const name of SHOWN.filter((n) => n !== MISSING_SHOWN)) {
        for (const label of [LABEL_1, LABEL_2_SHOWN]) {
          assert.ok(tips.some((tip) => tip.text.startsWith(`${name} · iteration ${label}: `)), `${name.slice(0, 40)} in ${label}`);
        }
      }
      // A real hover on the HTML name's cell: unescaped, its tooltip would load the image and run
      // its handler (which the last subtest would see).
      const tags = await hover(s.page, "chart-heatmap", await htmlCell(s.page), " runs failed");
      assert.deepEqual(tags.filter((tag) => INJECTED.includes(tag)), []);
      assert.deepEqual(await cellTexts(s.page, "#flaky-table").then((c) => c.sort()), SHOWN.filter((n) => n !== MISSING_SHOWN).sort());
      assert.deepEqual(await rawTexts(s.page), []);
    });

    await t.test("failure reasons and anomalies show their text with controls visible", async () => {
      await s.page.click("#tab-failures");
      await s.page.waitForSelector("#failures-table tbody tr");
      const reasons = await s.page.$$eval("#failures-table tbody tr td:first-child", (c) => c.map((x) => x.textContent));
      assert.ok(reasons.some((r) => r.startsWith(REASON_SHOWN)), JSON.stringify(reasons));
      const anomalies = await s.page.$$eval(".anomalies li", (li) => li.map((l) => l.textContent));
      assert.ok(anomalies.some((a) => a.endsWith(`Result: ${WORD} with no open test`)), JSON.stringify(anomalies));
      assert.ok(anomalies.some((a) => a.endsWith(`test ${MISSING_SHOWN} never got a result`)), JSON.stringify(anomalies));
      assert.deepEqual(await rawTexts(s.page), []);
      // The suites' parts too.
      await s.page.click("#tab-suites");
      await s.page.waitForSelector("#suites-table tbody tr");
      const parts = await cellTexts(s.page, "#suites-table");
      assert.ok(parts.includes(BIG_SHOWN) && parts.includes(BIDI_SHOWN), JSON.stringify(parts.map((p) => p.slice(0, 40))));
      assert.deepEqual(await rawTexts(s.page), []);
    });

    await t.test("Export JSON keeps every name and label exact, the 1 MB one as its first 4 KiB with its length and SHA-256", async () => {
      const [json] = await Promise.all([s.page.waitForEvent("download"), s.page.click("#export-json")]);
      const exported = JSON.parse(readFileSync(await json.path(), "utf8"));
      assert.deepEqual(exported.tests.map((x) => x.name), NAMES.map((n) => (n === BIG ? "x".repeat(4096) : n)));
      assert.deepEqual(exported.tests[5].cut, { bytes: 1_000_000, sha256: createHash("sha256").update(BIG).digest("hex") });
      assert.deepEqual(exported.tests.filter((x) => x.cut).length, 1);
      assert.deepEqual(exported.iterations.map((i) => i.label), [LABEL_1, LABEL_2]);
    });

    await t.test("the exported report shows the names as text with controls visible", async () => {
      const [download] = await Promise.all([s.page.waitForEvent("download"), s.page.click("#export-report")]);
      const file = path.join(ARTIFACTS, "hostile-report.html");
      await download.saveAs(file);
      const html = readFileSync(file, "utf8");
      const echarts = readFileSync(path.join(DIST, "echarts.min.js"), "utf8");
      // No name, label or reason is markup; the only `<img` is the one in ECharts' own source.
      const count = (text, what) => text.split(what).length - 1;
      assert.equal(count(html, "<img"), count(echarts, "<img"));
      assert.equal(count(html, "<script>window"), 0);
      assert.equal(count(html, "<svg"), count(echarts, "<svg"));
      assert.ok(!RAW.test(html.replace(echarts.replaceAll("</script", "<\\/script"), "")), "a raw control in the report");
      assert.ok(html.includes(BIDI_SHOWN) && html.includes(CONTROL_SHOWN) && html.includes(ZERO_SHOWN));
      assert.ok(html.includes(JSON.stringify(BIG_SHOWN)) && !html.includes("x".repeat(2049)), "the 1 MB name is cut");
      // Opened, it makes no element from a name and runs nothing of theirs.
      const context = await browser().newContext({ offline: true });
      await context.addInitScript(watchInjections);
      const page = await context.newPage();
      const problems = watchProblems(page);
      try {
        await page.goto("file://" + file);
        await page.waitForSelector("#chart-heatmap canvas");
        assert.deepEqual((await cellTexts(page, "#tests-table")).sort(), [...SHOWN].sort());
        assert.deepEqual((await cellTexts(page, "#flaky-table")).sort(), SHOWN.filter((n) => n !== MISSING_SHOWN).sort());
        const tips = await heatmapTips(page);
        assert.deepEqual(tips.flatMap((tip) => tip.tags), [], "a tooltip would make elements");
        assert.ok(tips.some((tip) => tip.text.startsWith(`${HTML} · iteration ${LABEL_1}: `)));
        await hover(page, "chart-heatmap", await htmlCell(page), " runs failed");
        assert.deepEqual(await rawTexts(page), []);
        await page.waitForTimeout(500);
        // The report's own four scripts (rows, charts, ECharts, its script) and nothing else.
        assert.equal(await page.locator("script").count(), 4);
        const injected = await page.evaluate(() => window.__injected);
        assert.deepEqual(injected.filter((e) => !/^<script( type="application\/json" id="(rows|charts)")?>/.test(e)), []);
        assert.equal(await page.evaluate(() => window.__pwned), undefined);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });

    await t.test("nothing was injected, nothing ran", async () => {
      assert.deepEqual(await s.page.evaluate(() => window.__injected), []);
      assert.equal(await s.page.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(s.problems, []);
    });
  } finally {
    await s.close();
  }
});

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
