// The run viewer in headless Chromium: every located number opens the log's own lines, read
// from the File in the engine worker, and what it shows is checked against the file's bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";

import { ARTIFACTS, suite } from "./harness.mjs";

const { open } = suite();

// A log with CRLF lines, an invalid UTF-8 byte, a hostile line, an orphan result, and a test
// that fails twice with another test's failure between.
const LOG = Buffer.concat([
  Buffer.from("Iteration 1\r\nTest: alpha\r\nsetting up\r\n<script>window.owned = 1</script>\r\nResult: FAIL boom 1\r\n"),
  Buffer.from("Test: beta\nbad byte: "),
  Buffer.from([0xff]),
  Buffer.from("\nResult: FAIL beta broke\nResult: PASS\nIteration 2\n"),
  Buffer.from("Test: alpha\nsetting up again\nResult: FAIL boom 2\nTest: gamma\nResult: PASS\n"),
]);

/** The file's lines as the viewer must show them: split at `\n`, no `\r`, bad bytes as U+FFFD,
 * controls visible (docs/design.md §1, "Names shown and kept": C0 but tab and DEL as control
 * pictures, C1, bidirectional controls and those of no width as `⟨U+XXXX⟩`). */
function fileLines(bytes) {
  const text = new TextDecoder("utf-8").decode(bytes);
  const visible = (l) =>
    l
      .replace(/[\u0000-\u0008\u000a-\u001f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)))
      .replace(/\u007f/g, "\u2421")
      .replace(/[\u0080-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u2028\u2029]/g, (c) =>
        `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`,
      );
  const lines = text.split("\n").map((l) => visible(l.replace(/\r$/, "")));
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

async function give(page, name, bytes) {
  await page.evaluate(
    async ([name, bytes]) => window.LogResultAccumulator.analyze([new File([new Uint8Array(bytes)], name)]),
    [name, [...bytes]],
  );
}

/** The viewer's lines as [number, text, in the run] rows. */
function shownLines(page) {
  return page.$$eval("#log-lines li", (items) =>
    items.map((li) => [
      Number(li.querySelector(".n").textContent.replaceAll(",", "")),
      li.querySelector(".text").textContent,
      li.classList.contains("in-run"),
    ]),
  );
}

async function anchorLine(page) {
  return page.$eval("#log-lines li.anchor", (li) => Number(li.querySelector(".n").textContent.replaceAll(",", "")));
}

test("the viewer shows the file's own lines from a first failure, an anomaly and a reason; n p ] [ Esc", async () => {
  const s = await open({ isolate: true, hash: "#view=tests" });
  try {
    await give(s.page, "run.log", LOG);
    const lines = fileLines(LOG);
    // From the tests table: alpha's first failure, at its result line (5).
    await s.page.waitForSelector("#tests-table button.open-at");
    await s.page.click("#tests-table tr:has(td.name:text-is('alpha')) button.open-at");
    await s.page.waitForSelector("#log-lines li");
    const shown = await shownLines(s.page);
    // Every line shown is the file's own, with its number; the hostile line is text.
    for (const [n, text] of shown) assert.equal(text, lines[n - 1], `line ${n}`);
    assert.equal(shown[0][0], 1);
    assert.equal(await anchorLine(s.page), 5);
    // Alpha's run is lines 2-5, marked; beta's lines are not alpha's.
    assert.deepEqual(shown.filter(([, , run]) => run).map(([n]) => n), [2, 3, 4, 5, 11, 12, 13]);
    assert.equal(await s.page.evaluate(() => window.owned), undefined);
    assert.equal(await s.page.locator(".viewer script").count(), 0);
    assert.match(await s.page.textContent("#viewer-where"), /alpha: 2 failed runs, 2 kept/);
    await s.page.screenshot({ path: path.join(ARTIFACTS, "viewer.png") });

    // n: alpha's next failed run opens at its first line (11); p goes back.
    await s.page.keyboard.press("n");
    await s.page.waitForFunction(() => document.querySelector("#log-lines li.anchor .n")?.textContent === "11");
    await s.page.keyboard.press("p");
    await s.page.waitForFunction(() => document.querySelector("#log-lines li.anchor .n")?.textContent === "2");
    // ]: the next failure of any test is beta's, at its result (line 8); [ comes back to alpha's.
    await s.page.keyboard.press("]");
    await s.page.waitForFunction(() => document.querySelector("#log-lines li.anchor .n")?.textContent === "8");
    assert.match(await s.page.textContent("#viewer-where"), /beta/);
    await s.page.keyboard.press("[");
    await s.page.waitForFunction(() => document.querySelector("#log-lines li.anchor .n")?.textContent === "5");
    // The buttons do the same.
    await s.page.click("text=Next failure (])");
    await s.page.waitForFunction(() => document.querySelector("#log-lines li.anchor .n")?.textContent === "8");
    assert.equal(await s.page.textContent("#log-lines li.anchor .text"), "Result: FAIL beta broke");
    // Esc closes.
    await s.page.keyboard.press("Escape");
    await s.page.waitForSelector(".viewer", { state: "detached" });

    // From an anomaly: the orphan result at line 9.
    await s.page.click(".anomalies button.open-at");
    await s.page.waitForFunction(() => document.querySelector("#log-lines li.anchor .n")?.textContent === "9");
    assert.equal(await s.page.textContent("#log-lines li.anchor .text"), "Result: PASS");
    await s.page.click(".viewer .close");

    // From a reason's first run: "boom 1" at line 5.
    await s.page.click("[role=tab]:text-is('Why tests fail')");
    await s.page.click("#failures-table tr:has-text('boom') button.open-at");
    await s.page.waitForFunction(() => document.querySelector("#log-lines li.anchor .n")?.textContent === "5");
    await s.page.click(".viewer .close");

    // A selected test shows its first failed run's own lines, opening line to result.
    await s.page.click("[role=tab]:text-is('Tests')");
    await s.page.click("#tests-table td.name:text-is('alpha')");
    await s.page.waitForSelector("#first-run li");
    const run = await s.page.$$eval("#first-run li", (items) => items.map((li) => [li.querySelector(".n").textContent, li.querySelector(".text").textContent]));
    assert.deepEqual(run, [2, 3, 4, 5].map((n) => [String(n), lines[n - 1]]));
    // And its runs per iteration, a cell each: failed in both.
    const strip = await s.page.$$eval("#test-strip .cell", (cells) => cells.map((c) => [c.className, c.title]));
    assert.deepEqual(strip, [["cell failed", "iteration 1: 0 passed, 1 failed"], ["cell failed", "iteration 2: 0 passed, 1 failed"]]);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("the viewer searches the file, scrolls a window at a time, and cuts a line of megabytes", async () => {
  const s = await open({ isolate: true, hash: "#view=tests" });
  try {
    // 3,000 numbered lines, a failure at line 10, a 3 MB line at 1,500 and a needle at 2,800.
    const parts = [];
    for (let n = 1; n <= 3000; n++) {
      if (n === 9) parts.push("Test: far");
      else if (n === 10) parts.push("Result: FAIL");
      else if (n === 1500) parts.push("x".repeat(3_000_000));
      else if (n === 2800) parts.push("the needle is here");
      else parts.push(`line ${n}`);
    }
    const text = parts.join("\n") + "\n";
    await give(s.page, "long.log", Buffer.from(text));
    await s.page.click("#tests-table button.open-at");
    await s.page.waitForFunction(() => document.querySelector("#log-lines li.anchor .n")?.textContent === "10");
    // Later lines: the window moves on, its numbers following the file's.
    await s.page.click(".viewer .more:text('Later lines')");
    await s.page.waitForFunction(() => Number(document.querySelector("#log-lines li:last-child .n")?.textContent.replaceAll(",", "")) > 60);
    for (const [n, t] of await shownLines(s.page)) assert.equal(t, parts[n - 1], `line ${n}`);
    // Search from here: the needle's line.
    await s.page.fill("#viewer-search", "needle");
    await s.page.press("#viewer-search", "Enter");
    await s.page.waitForFunction(() => document.querySelector("#log-lines li.anchor .n")?.textContent === "2,800");
    assert.equal(await s.page.textContent("#log-lines li.anchor .text"), "the needle is here");
    // Not there further on: said so.
    await s.page.press("#viewer-search", "Enter");
    await s.page.waitForSelector("#viewer-message:has-text('is not further on')");
    // The long line is shown cut, with its length; its neighbours whole.
    await s.page.fill("#viewer-search", "line 1499");
    await s.page.press("#viewer-search", "Shift+Enter");
    await s.page.waitForFunction(() => document.querySelector("#log-lines li.anchor .n")?.textContent === "1,499");
    const long = await s.page.$eval("#log-lines li:has(.cut)", (li) => [li.querySelector(".n").textContent, li.querySelector(".text").textContent.length, li.querySelector(".cut").textContent]);
    assert.equal(long[0], "1,500");
    assert.ok(long[1] <= 2048, `${long[1]} characters shown`);
    assert.match(long[2], /3,000,000 bytes/);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("a deep link to a line opens the viewer there once the same file is given", async () => {
  const s = await open({ isolate: true, hash: "#view=tests" });
  try {
    await give(s.page, "run.log", LOG);
    await s.page.click("#tests-table tr:has(td.name:text-is('alpha')) button.open-at");
    await s.page.waitForFunction(() => location.hash.includes("lines=run.log%3A5"));
    // The link, opened afresh: nothing shows until the file is given, then its line does.
    const link = await s.page.evaluate(() => location.hash);
    const other = await open({ isolate: true, hash: link });
    try {
      assert.equal(await other.page.locator(".viewer").count(), 0);
      await give(other.page, "run.log", LOG);
      await other.page.waitForSelector("#log-lines li.anchor");
      assert.equal(await other.page.textContent("#log-lines li.anchor .n"), "5");
      assert.equal(await other.page.textContent("#log-lines li.anchor .text"), "Result: FAIL boom 1");
      assert.deepEqual(other.problems, []);
    } finally {
      await other.close();
    }
  } finally {
    await s.close();
  }
});

test("a gzipped log and a zip's member open in the viewer, decoded up to the lines shown", async () => {
  const s = await open({ isolate: true, hash: "#view=tests" });
  try {
    const { readFileSync } = await import("node:fs");
    const { ROOT } = await import("./harness.mjs");
    const sample = fileLines(readFileSync(path.join(ROOT, "tests/fixtures/seed-sample.log")));
    await s.page.evaluate(async () => {
      const files = [];
      for (const name of ["seed.log.gz", "logs.zip"]) files.push(new File([await (await fetch(`/fixtures/${name}`)).blob()], name));
      await window.LogResultAccumulator.analyze(files);
    });
    // The gzipped log: its first failure, the first in the table.
    await s.page.click("#tests-table tr:has(td.name:text-is('Watermelon Test')) button.open-at");
    await s.page.waitForSelector("#log-lines li.anchor");
    assert.ok((await s.page.textContent("#viewer-where")).startsWith("seed.log.gz"));
    assert.match(await s.page.textContent("#viewer-decoded"), /decoded from the start/);
    assert.equal(await anchorLine(s.page), 16);
    for (const [n, text] of await shownLines(s.page)) assert.equal(text, sample[n - 1], `line ${n}`);
    await s.page.keyboard.press("Escape");
    // A member of the zip: an anomaly in its messy log.
    const messy = fileLines(readFileSync(path.join(ROOT, "tests/fixtures/messy.log")));
    await s.page.click(".anomalies li:has-text('messy.log') button.open-at");
    await s.page.waitForSelector("#log-lines li.anchor");
    assert.match(await s.page.textContent("#viewer-where"), /^logs\.zip\/.*messy\.log/);
    for (const [n, text] of await shownLines(s.page)) assert.equal(text, messy[n - 1], `line ${n}`);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("n goes on past a test's kept failed runs, finding the others in the file; p comes back", async () => {
  const s = await open({ isolate: true, hash: "#view=tests" });
  try {
    // t fails 25 times: runs 1-10 and 16-25 are kept, 11-15 are found again. Run k's lines are
    // 2k-1 (Test: t) and 2k (its result).
    const log = Array.from({ length: 25 }, (_, k) => `Test: t\nResult: FAIL boom ${k + 1}\n`).join("");
    await give(s.page, "many.log", Buffer.from(log));
    await s.page.waitForSelector("#tests-table button.open-at");
    await s.page.click("#tests-table tr:has(td.name:text-is('t')) button.open-at");
    await s.page.waitForSelector("#log-lines li.anchor");
    const at = (n) =>
      s.page.waitForFunction((n) => document.querySelector("#log-lines li.anchor .n")?.textContent === String(n), n);
    const expectRun = async (k) => {
      await at(2 * k - 1);
      const marked = (await shownLines(s.page)).filter(([, , run]) => run).map(([n]) => n);
      assert.ok(marked.includes(2 * k - 1) && marked.includes(2 * k), `run ${k} is marked: ${marked}`);
    };
    for (let k = 2; k <= 12; k++) {
      await s.page.keyboard.press("n");
      await expectRun(k);
    }
    await s.page.keyboard.press("p");
    await expectRun(11);
    await s.page.keyboard.press("p");
    await expectRun(10);
    for (let k = 11; k <= 17; k++) {
      await s.page.keyboard.press("n");
      await expectRun(k);
    }
  } finally {
    await s.close();
  }
});

test("lines far into a compressed file are decoded a share at a time, the progress said", async () => {
  const s = await open({ isolate: true, hash: "#view=tests" });
  try {
    const { writeFileSync } = await import("node:fs");
    const { gzipSync } = await import("node:zlib");
    const { FIXTURES } = await import("./harness.mjs");
    // 40 MiB of passing runs stored uncompressed, then t's one failure: reaching it decodes
    // five shares of 8 MiB.
    const run = "Test: t\nResult: PASS\n";
    const log = run.repeat(Math.ceil((40 << 20) / run.length)) + "Test: t\nResult: FAIL at the very end\n";
    writeFileSync(path.join(FIXTURES, "stored.log.gz"), gzipSync(Buffer.from(log), { level: 0 }));
    await s.page.evaluate(async () => {
      const blob = await (await fetch("/fixtures/stored.log.gz")).blob();
      await window.LogResultAccumulator.analyze([new File([blob], "stored.log.gz")]);
    });
    await s.page.waitForSelector("#tests-table button.open-at");
    // Every message the viewer says, as it says it.
    await s.page.evaluate(() => {
      window.said = [];
      new MutationObserver(() => {
        const m = document.querySelector("#viewer-message");
        if (m && window.said.at(-1) !== m.textContent) window.said.push(m.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await s.page.click("#tests-table tr:has(td.name:text-is('t')) button.open-at");
    await s.page.waitForSelector("#log-lines li.anchor");
    const anchor = await s.page.$eval("#log-lines li.anchor .text", (t) => t.textContent);
    assert.equal(anchor, "Result: FAIL at the very end");
    const said = await s.page.evaluate(() => window.said);
    assert.ok(said.some((m) => /^Decoding the file from its start to reach these lines: .* compressed \(\d+%\)…$/.test(m)), said.join(" | "));
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});
