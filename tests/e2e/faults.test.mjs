// Faults while the page reads files: the engine traps or runs out of memory in the middle of a
// file (in the engine worker, and in a parser of its pool), a file changes on disk while it is
// read, and the engine worker is ended from outside. After each, the page is alive (no fatal
// panel), says what happened in its errors area, still shows the summary it had, and analyses
// the next file as the CLI does (docs/design.md, "When the engine stops").
//
// The trap, the exhausted memory and the slow reading come from the test-only engine of
// `make fault-engine` (crates/lra-engine/src/fault.rs: lines `LRA-TEST-TRAP`, `LRA-TEST-OOM`,
// `LRA-TEST-SLOW`), served in place of dist/engine; dist/ itself is never changed. That build
// is single-threaded, so those pages are not cross-origin isolated.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";

import { engineReady } from "./browser.mjs";
import { FIXTURES, ROOT, cli, essence, suite } from "./harness.mjs";

const { open } = suite();

const FAULT_ENGINE = path.join(ROOT, "target/fault-engine/engine");
const faulty = () => open({ isolate: false, blockServiceWorkers: true, overrides: { "engine/": FAULT_ENGINE } });

// Analysed before each fault; their summary must survive it.
const BEFORE = ["seed-sample.log", "messy.log"];
// Analysed after: a 20 MB log of several slices (harness.mjs), compared with the CLI.
const NEXT = "generated.log";

/** Writes a log into the fixtures, where the CLI reads it too; returns its path. */
function fixture(name, text) {
  const file = path.join(FIXTURES, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A log of passing runs with `marker` as a line after its first 10 MiB, so that the fault
 * comes in the middle of the file, once its first 8 MiB slice was read. */
function faultLog(name, marker) {
  const run = `Test: ${name} before\nResult: PASS\n`;
  const runs = run.repeat(Math.ceil((10 << 20) / run.length));
  return fixture(name, `${runs}${marker}\n${runs.replaceAll("before", "after")}`);
}

/** `essence` of a summary without its files' damage, to compare a file cut short with the CLI's
 * reading of the part that was read. */
function undamaged(summary) {
  const e = essence(summary);
  for (const f of e.files) delete f.damage;
  return e;
}

/** Gives the page these files through its file chooser, as a user picks them (disk-backed
 * Files), and resolves to the summary once the page is idle again. */
async function pick(page, names) {
  await page.setInputFiles("input[type=file]:not([webkitdirectory])", names.map((n) => path.join(FIXTURES, n)));
  return page.evaluate(() => window.LogResultAccumulator.summary());
}

/** The errors area's messages. */
function errors(page) {
  return page.$$eval(".errors li", (items) => items.map((i) => i.textContent));
}

/** The header's figures, by label (runs in the page). */
function headerFigures() {
  const figures = [...document.querySelectorAll(".summary-header .figure")];
  return Object.fromEntries(figures.map((f) => [f.querySelector(".label").textContent, f.querySelector(".value").textContent]));
}

/** The page is alive and shows `summary`: no fatal panel, and the header's figures are its. */
async function shows(page, summary) {
  assert.equal(await page.locator(".fatal").count(), 0, "the app's fatal panel is shown");
  const { passed, failed } = summary.totals;
  const expected = Object.fromEntries(Object.entries({ files: summary.files.length, passed, failed }).map(([k, v]) => [k, v.toLocaleString("en-US")]));
  const shown = async () => {
    const all = await page.evaluate(headerFigures);
    return Object.fromEntries(Object.keys(expected).map((k) => [k, all[k]]));
  };
  // The header follows the summary within a task or two.
  for (let i = 0; i < 50 && !isDeepStrictEqual(await shown(), expected); i++) await page.waitForTimeout(100);
  assert.deepEqual(await shown(), expected);
}

/** `pick`, then checks that the page shows the summary it resolves to; returns its essence. */
async function pickShown(page, names) {
  const summary = await pick(page, names);
  await shows(page, summary);
  return essence(summary);
}

test("the engine worker traps, then runs out of memory, mid-file: restarted without that file, summary kept", async () => {
  faultLog("trap.log", "LRA-TEST-TRAP");
  faultLog("oom.log", "LRA-TEST-OOM");
  const s = await faulty();
  try {
    assert.equal((await s.page.evaluate(() => window.LogResultAccumulator.status())).build, "single");
    const before = essence(cli(BEFORE));
    assert.deepEqual(await pickShown(s.page, BEFORE), before);
    // One file at a time is read by the engine worker itself, not by the pool.
    assert.deepEqual(await pickShown(s.page, ["trap.log"]), before);
    assert.match(
      (await errors(s.page)).join("\n"),
      /^the engine stopped: LRA-TEST-TRAP: a line of the log asked the engine to stop \(fault injection\) \(at crates\/lra-engine\/src\/fault\.rs:\d+:\d+\); the engine was started again without trap\.log$/m,
    );
    assert.deepEqual(await pickShown(s.page, ["oom.log"]), before);
    assert.match(
      (await errors(s.page)).join("\n"),
      /^the engine ran out of memory: the browser would not give it 64 MB more; the engine was started again without oom\.log$/m,
    );
    assert.deepEqual(await pickShown(s.page, [NEXT]), essence(cli([...BEFORE, NEXT])));
    // The worker ended after the trap was the page's own doing: no other message.
    assert.equal((await errors(s.page)).length, 2);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("a parser of the pool traps, then runs out of memory, mid-file: only its file is left out", async () => {
  faultLog("trap.log", "LRA-TEST-TRAP");
  faultLog("oom.log", "LRA-TEST-OOM");
  fixture("beside-1.log", "Iteration 1\nTest: beside one\nResult: PASS\nTest: beside two\nResult: FAIL boom\n");
  fixture("beside-2.log", "Iteration 1\nTest: beside one\nResult: FAIL bang\nTest: beside three\nResult: SKIP\n");
  const s = await faulty();
  try {
    const cores = await s.page.evaluate(() => navigator.hardwareConcurrency);
    assert.ok(cores > 1, `a pool needs more than one core: ${cores}`);
    assert.deepEqual(await pickShown(s.page, BEFORE), essence(cli(BEFORE)));
    // Two files at once: the pool's two parsers read them side by side.
    assert.deepEqual(await pickShown(s.page, ["trap.log", "beside-1.log"]), essence(cli([...BEFORE, "beside-1.log"])));
    assert.match(
      (await errors(s.page)).join("\n"),
      /^trap\.log was left out: the parser stopped: LRA-TEST-TRAP: a line of the log asked the engine to stop \(fault injection\) \(at crates\/lra-engine\/src\/fault\.rs:\d+:\d+\)$/m,
    );
    const kept = [...BEFORE, "beside-1.log", "beside-2.log"];
    assert.deepEqual(await pickShown(s.page, ["oom.log", "beside-2.log"]), essence(cli(kept)));
    assert.match(
      (await errors(s.page)).join("\n"),
      /^oom\.log was left out: the parser ran out of memory: the browser would not give it 64 MB more$/m,
    );
    assert.deepEqual(await pickShown(s.page, [NEXT]), essence(cli([...kept, NEXT])));
    assert.equal((await errors(s.page)).length, 2);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("a file changed on disk while it is read: what was read counts, the file is flagged and named", async () => {
  // Slices are 8 MiB (web/engine/slices.js); each block below is exactly one, opened by a line
  // that keeps the engine busy a while, so that the file is changed while it is being read.
  // Under 64 MiB, a single file is read by the engine worker itself, not cut for the pool.
  const SLICE = 8 << 20;
  const BLOCKS = 7;
  const RUNS = 1000;
  const head = "LRA-TEST-SLOW\n" + "Test: steady\nResult: PASS\n".repeat(RUNS);
  const pad = "#".repeat(63) + "\n";
  const rest = SLICE - head.length;
  const block = head + pad.repeat(Math.floor(rest / 64)) + "#".repeat((rest % 64) - 1) + "\n";
  assert.equal(block.length, SLICE);
  const file = fixture("changing.log", block.repeat(BLOCKS));
  const s = await faulty();
  try {
    assert.deepEqual(await pickShown(s.page, BEFORE), essence(cli(BEFORE)));
    await s.page.setInputFiles("input[type=file]:not([webkitdirectory])", file);
    // Once its first slice is read, the log is written to, as a log still being written is.
    await s.page.waitForFunction(() => Number(document.querySelector(".progress .files progress")?.value) > 0);
    appendFileSync(file, "Test: late\nResult: PASS\n");
    const summary = await s.page.evaluate(() => window.LogResultAccumulator.summary());
    await shows(s.page, summary);
    const read = summary.files.at(-1);
    assert.equal(read.name, "changing.log");
    assert.match(read.damage, /^could not be read to its end: the file was changed or removed after it was chosen/);
    // Whole slices were read before the change was seen, and none after it.
    assert.equal(read.bytes % SLICE, 0, `${read.bytes} bytes read`);
    const slices = read.bytes / SLICE;
    assert.ok(slices >= 1 && slices < BLOCKS, `${slices} slices read`);
    assert.equal(summary.tests.find((t) => t.name === "steady").passed, slices * RUNS);
    assert.match(
      (await errors(s.page)).join("\n"),
      /^changing\.log: could not be read to its end: the file was changed or removed after it was chosen, so the browser could not read the rest \(choose it again to read it whole\); the lines before it are counted$/m,
    );
    // Everything else is as the CLI reads the files before and the part that was read.
    fixture("cut/changing.log", block.repeat(slices));
    assert.deepEqual(undamaged(summary), undamaged(cli([...BEFORE, "cut/changing.log"])));
    const next = await pick(s.page, [NEXT]);
    await shows(s.page, next);
    assert.deepEqual(undamaged(next), undamaged(cli([...BEFORE, "cut/changing.log", NEXT])));
    assert.equal(next.files[2].damage, read.damage, "still flagged");
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});

test("the engine worker ended from outside: the page notices, starts a fresh one and reads the files again", async () => {
  // The shipped engine, threaded: a cross-origin isolated page, the usual one.
  const s = await open({ isolate: true });
  try {
    const before = essence(cli(BEFORE));
    assert.deepEqual(await pickShown(s.page, BEFORE), before);
    const worker = s.page.workers().find((w) => w.url().endsWith("/engine/worker.js"));
    assert.ok(worker, `the engine worker among ${s.page.workers().map((w) => w.url())}`);
    // It closes itself: no message, no error event; only the Web Lock it held tells the page.
    await worker.evaluate(() => self.close());
    await s.page.waitForSelector(".errors li");
    assert.deepEqual(await errors(s.page), [
      "the engine's worker was ended from outside the page (by the browser or a tool); the engine was started again",
    ]);
    await engineReady(s.page);
    const again = await s.page.evaluate(() => window.LogResultAccumulator.summary());
    await shows(s.page, again);
    assert.deepEqual(essence(again), before);
    assert.deepEqual(await pickShown(s.page, [NEXT]), essence(cli([...BEFORE, NEXT])));
    assert.match(await s.page.textContent("#threads"), /^\d+ threads: this page is cross-origin isolated/);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.close();
  }
});
