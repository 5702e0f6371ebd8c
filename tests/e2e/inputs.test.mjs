// Logs as they come: archives and compressed files dropped on the page, damaged ones, and
// custom markers from the settings panel and from a deep link. Each is checked against the
// CLI's summary of the same files.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";

import { analyzeFixtures, analyzeTexts } from "./browser.mjs";
import { ARTIFACTS, cli, essence, suite } from "./harness.mjs";

const { open } = suite();

/** Drops the fixtures [name, ...] on the page, as a user's drag from a file manager does. */
async function dropFixtures(page, names) {
  const dataTransfer = await page.evaluateHandle(async (names) => {
    const dt = new DataTransfer();
    for (const name of names) {
      const response = await fetch(`/fixtures/${name}`);
      dt.items.add(new File([await response.blob()], name));
    }
    return dt;
  }, names);
  await page.dispatchEvent(".drop", "drop", { dataTransfer });
}

test("a .zip of logs and a .gz dropped on the page: every member is a file, as in the CLI", async () => {
  for (const isolate of [true, false]) {
    const s = await open({ isolate, blockServiceWorkers: !isolate });
    try {
      await dropFixtures(s.page, ["logs.zip", "two-members.log.gz", "logs.tar.zst"]);
      await s.page.waitForSelector("#tests-table td.name");
      const summary = await s.page.evaluate(() => window.LogResultAccumulator.summary());
      const names = ["logs.zip", "two-members.log.gz", "logs.tar.zst"];
      assert.deepEqual(essence(summary), essence(cli(names)), `isolated: ${isolate}`);
      assert.deepEqual(summary.files.map((f) => f.name).slice(0, 3), [
        "logs.zip/logs/job-1/seed.log",
        "logs.zip/logs/job-2/a-folder-name-long-enough-that-the-whole-path-passes-one-hundred-bytes-of-ustar-name/messy.log",
        "logs.zip/logs/job-2/seed.log.gz",
      ]);
      assert.equal(summary.files[3].name, "two-members.log.gz");
      assert.equal(summary.files.length, 7);
      const files = await s.page.textContent(".files-table");
      assert.match(files, /logs\.zip\/logs\/job-2\/seed\.log\.gz/);
      if (isolate) {
        await s.page.waitForTimeout(1000); // the charts' animation
        await s.page.screenshot({ path: path.join(ARTIFACTS, "archives.png"), fullPage: true });
      }
      assert.deepEqual(s.problems, []);
    } finally {
      await s.close();
    }
  }
});

test("a damaged archive: the page names the member and the reason, and keeps everything else", async () => {
  const s = await open({ isolate: true });
  try {
    const summary = await analyzeFixtures(s.page, ["truncated.zip", "corrupt.log.gz", "seed-sample.log"]);
    assert.deepEqual(essence(summary), essence(cli(["truncated.zip", "corrupt.log.gz", "seed-sample.log"])));
    const damaged = summary.files.filter((f) => f.damage);
    assert.equal(damaged.length, 2);
    assert.equal(damaged[0].damage, "truncated: the zip archive ends inside this member");
    assert.match(damaged[1].damage, /corrupt deflate data/);
    const errors = await s.page.textContent(".errors");
    assert.match(errors, /truncated\.zip\/logs\/job-2\/.*messy\.log: truncated: the zip archive ends inside this member; the lines before it are counted/);
    assert.match(errors, /corrupt\.log\.gz: corrupt deflate data/);
    assert.match(await s.page.textContent(".files-table"), /damaged: truncated: the zip archive ends inside this member/);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

const DIALECT = "=== ROUND 1\nTESTCASE: login\nVERDICT: PASS\nTESTCASE: upload\nVERDICT: FAIL disk full\n" +
  "=== round 2\nTestcase: login\nVerdict: fail\nTest: plain\nResult: PASS\n";
const MARKERS = ["--test-marker", "TESTCASE: ", "--result-marker", "VERDICT: ", "--iteration-marker", "ROUND ", "--ignore-case"];

test("custom markers from the settings re-analyse the files; a deep link brings them back", async () => {
  const { writeFileSync } = await import("node:fs");
  const { FIXTURES } = await import("./harness.mjs");
  writeFileSync(path.join(FIXTURES, "dialect.log"), DIALECT);
  const expected = cli(["dialect.log"], "line", MARKERS);
  const s = await open({ isolate: true });
  try {
    const before = await analyzeFixtures(s.page, ["dialect.log"]);
    assert.deepEqual(before.tests.map((t) => t.name), ["plain"], "the default markers see one test");
    await s.page.click(".settings summary");
    await s.page.fill("#test-marker", "TESTCASE: ");
    await s.page.fill("#result-marker", "VERDICT: ");
    await s.page.fill("#iteration-marker", "ROUND ");
    await s.page.check("#ignore-case");
    await s.page.click("#apply-markers");
    await s.page.waitForFunction(() => document.querySelector("#tests-table")?.textContent.includes("upload"));
    const after = await s.page.evaluate(() => window.LogResultAccumulator.summary());
    assert.deepEqual(essence(after), essence(expected));
    assert.deepEqual(after.markers, { test: "TESTCASE: ", result: "VERDICT: ", iteration: "ROUND ", ignore_case: true });
    const hash = await s.page.evaluate(() => location.hash);
    assert.match(hash, /test-marker=TESTCASE%3A%20&result-marker=VERDICT%3A%20&iteration-marker=ROUND%20&ignore-case=1/);
    await s.page.screenshot({ path: path.join(ARTIFACTS, "markers.png"), fullPage: true });

    // The link, in a new page: the settings are filled in and the same file gives the same summary.
    const linked = await s.context.newPage();
    await linked.goto(s.server.url + hash);
    await linked.waitForFunction(() => window.LogResultAccumulator);
    assert.equal(await linked.inputValue("#test-marker"), "TESTCASE: ");
    assert.equal(await linked.isChecked("#ignore-case"), true);
    const linkedSummary = await analyzeFixtures(linked, ["dialect.log"]);
    assert.deepEqual(essence(linkedSummary), essence(expected));
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("an invalid marker is refused with the reason and changes nothing", async () => {
  const s = await open({ isolate: true });
  try {
    await analyzeTexts(s.page, [["a.log", "Test: a\nResult: PASS\n"]]);
    await s.page.click(".settings summary");
    await s.page.fill("#test-marker", "");
    await s.page.click("#apply-markers");
    assert.equal(await s.page.textContent(".marker-problem"), "the test marker is empty");
    const summary = await s.page.evaluate(() => window.LogResultAccumulator.summary());
    assert.equal(summary.tests[0].name, "a");
    assert.equal(summary.markers.test, "Test: ");
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("test runners' logs and JUnit XML are told by their first lines; a format chosen in the panel re-analyses", async () => {
  const s = await open({ isolate: true });
  try {
    const names = ["gtest.log", "pytest.log", "libtest.log", "tap.log", "pytest-junit.xml", "go.log", "nextest.log"];
    const summary = await analyzeFixtures(s.page, names);
    assert.deepEqual(essence(summary), essence(cli(names)));
    assert.deepEqual(summary.files.map((f) => f.format), ["gtest", "pytest", "libtest", "tap", "junit", "go", "nextest"]);
    const flaky = summary.tests.find((t) => t.name === "Flaky.EveryThirdRunFails");
    assert.deepEqual([flaky.passed, flaky.failed, flaky.flaky], [4, 2, true]);
    await s.page.waitForSelector("#tests-table td.name");
    await s.page.waitForTimeout(1000); // the charts' animation
    await s.page.screenshot({ path: path.join(ARTIFACTS, "runners.png"), fullPage: true });
    // Chosen by hand: GoogleTest's lines hold no markers.
    await s.page.click(".settings summary");
    await s.page.selectOption("#log-format", "markers");
    await s.page.click("#apply-markers");
    const after = await s.page.evaluate(() => window.LogResultAccumulator.summary());
    assert.deepEqual(after.files.map((f) => f.format), Array(7).fill("markers"));
    assert.equal(after.tests.length, 0);
    assert.match(await s.page.evaluate(() => location.hash), /format=markers/);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("output that names no runs says what it was seen to be and the flag to add, in the files table", async () => {
  const s = await open({ isolate: true });
  try {
    // pytest -q: a progress line of outcome letters, then the counts; no test is named.
    const summary = await analyzeTexts(s.page, [
      ["quiet.log", "..F.s                                                    [100%]\n1 failed, 3 passed, 1 skipped in 0.02s\n"],
      ["verbose.log", "=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\n"],
    ]);
    assert.equal(summary.totals.tests, 1);
    assert.match(summary.files[0].reading, /pytest -q output.*run pytest with -v/);
    assert.match(summary.files[1].reading, /^go test -v: 2 lines of its own/);
    const quiet = s.page.locator("tr", { has: s.page.locator("td.name", { hasText: "quiet.log" }) });
    assert.match(await quiet.locator("td.format .reading").textContent(), /run pytest with -v/);
    // A file that gave runs keeps its reading in the tooltip only.
    const verbose = s.page.locator("tr", { has: s.page.locator("td.name", { hasText: "verbose.log" }) });
    assert.equal(await verbose.locator("td.format .reading").count(), 0);
    assert.match(await verbose.locator("td.format").getAttribute("title"), /^go test -v/);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("each file one iteration, from a link: the iterations are the files' names", async () => {
  const s = await open({ isolate: true, hash: "#iteration-per-file=1" });
  try {
    assert.equal(await s.page.isChecked("#iteration-per-file"), true);
    const runs = [1, 2, 3].map((k) => [
      `run-${k}.xml`,
      `<testsuite><testcase classname="c" name="t">${k === 2 ? "<failure message='boom'/>" : ""}</testcase></testsuite>`,
    ]);
    const summary = await analyzeTexts(s.page, runs);
    assert.deepEqual(summary.iterations.map((i) => [i.label, i.tests]), [["run-1.xml", 1], ["run-2.xml", 1], ["run-3.xml", 1]]);
    assert.deepEqual(summary.tests[0].by_iteration, [[0, 1, 1, 0], [1, 1, 0, 1], [2, 1, 1, 0]]);
    assert.match(await s.page.evaluate(() => location.hash), /iteration-per-file=1/);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});
