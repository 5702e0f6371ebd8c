// What the browser tests share: the paths, the fixtures served under /fixtures/, the CLI's
// summary to compare with, and a page of the app opened on a fresh server.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { before, after } from "node:test";

import { serve } from "./server.mjs";
import { engineReady, launch, watchProblems } from "./browser.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST = path.join(ROOT, "dist");
export const LRA = path.join(ROOT, "target/release/lra");
export const ARTIFACTS = path.join(ROOT, "tests/artifacts");
export const FIXTURES = path.join(ARTIFACTS, "fixtures");

// Logs the summary is checked on: the seed's sample, a messy log (CRLF, invalid UTF-8, orphans,
// missing results, several markers on a line, no final newline) and a generated log large
// enough to span several 8 MiB slices, so that the threaded engine splits it.
export const LOGS = ["seed-sample.log", "messy.log", "generated.log"];

/** Puts the fixtures where the test server serves them: the logs, a generated one, the archives. */
export function prepareFixtures() {
  mkdirSync(FIXTURES, { recursive: true });
  for (const name of ["seed-sample.log", "messy.log"]) {
    copyFileSync(path.join(ROOT, "tests/fixtures", name), path.join(FIXTURES, name));
  }
  for (const dir of ["archives", "runners"]) {
    const from = path.join(ROOT, "tests/fixtures", dir);
    for (const name of readdirSync(from, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.endsWith(".sh"))) {
      copyFileSync(path.join(from, name.name), path.join(FIXTURES, name.name));
    }
  }
  const generated = path.join(FIXTURES, "generated.log");
  if (!existsSync(generated)) {
    const log = execFileSync(LRA, ["generate", "--tests", "150", "--flaky", "12", "--fail-rate", "0.1", "--size", "20M"], {
      maxBuffer: 64 << 20,
    });
    writeFileSync(generated, log);
  }
}

/** The CLI's summary of fixtures, as JSON; `args` are more options. Damaged files make the CLI
 * exit with 1 after it wrote the summary; anything else is a failure. */
export function cli(names, mode = "line", args = []) {
  const run = spawnSync(
    LRA,
    ["summarize", "--format", "json", "--name", mode, ...args, ...names.map((n) => path.join(FIXTURES, n))],
    { maxBuffer: 64 << 20 },
  );
  if (run.status !== 0 && !(run.status === 1 && /the lines before it are counted/.test(run.stderr))) {
    throw new Error(`lra failed (${run.status}): ${run.stderr}`);
  }
  return JSON.parse(run.stdout);
}

/** What must agree between the CLI and the app (file names differ: paths versus names). */
export function essence(summary) {
  return {
    schema: summary.schema,
    name_mode: summary.name_mode,
    totals: summary.totals,
    orphan_results: summary.orphan_results,
    tests: summary.tests.map(({ name, runs, passed, failed, skipped, other, missing, results, first_failure }) => ({
      name, runs, passed, failed, skipped, other, missing, results,
      first_failure: first_failure && { file: path.basename(first_failure.file), line: first_failure.line },
    })),
    iterations: summary.iterations,
    anomalies: summary.anomalies.map((a) => ({ ...a, file: path.basename(a.file) })),
    files: summary.files.map((f) => ({ ...f, name: path.basename(f.name) })),
  };
}

/** Opens the app on a fresh server; `close()` ends both. `overrides`: see server.mjs. */
export async function open(browser, { isolate, blockServiceWorkers = false, hash = "", overrides = {} }) {
  const server = await serve({ root: DIST, isolate, fixtures: FIXTURES, overrides });
  const context = await browser.newContext({ serviceWorkers: blockServiceWorkers ? "block" : "allow" });
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  // Playwright's blocking makes serviceWorker.register() resolve to undefined, which
  // coi-serviceworker does not expect; a browser without service workers skips that code.
  const problems = watchProblems(page, [], (e) => blockServiceWorkers && /reading 'scope'/.test(String(e)));
  await page.goto(server.url + hash);
  await engineReady(page);
  return { server, context, page, requests, problems, close: async () => { await context.close(); await server.close(); } };
}

/** What a test file shares: the fixtures, prepared once, and one Chromium, closed after its
 * tests. `open(options)` opens the app in it; `browser()` is it, for tests that make their own
 * contexts. */
export function suite() {
  let browser;
  before(() => prepareFixtures());
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  return { open: (options) => open(browser, options), browser: () => browser };
}

// Build `b` of a designed suite, ten iterations: `steady` always passes, `broke` fails from build 8
// on, `fixed` fails until build 3, `flaky` fails the first iteration of every build; a name that
// would be markup (`hostile`) fails in build 12 only.
export function historyBuildLog(b, hostile) {
  const lines = [];
  for (let i = 1; i <= 10; i++) {
    const word = (failing) => (failing ? "FAIL boom" : "PASS");
    lines.push(`Iteration ${i}`, "Test: steady", "Result: PASS", "Test: broke", `Result: ${word(b >= 8)}`);
    lines.push("Test: fixed", `Result: ${word(b <= 3)}`, "Test: flaky", `Result: ${word(i === 1)}`);
    if (b === 12) lines.push(`Test: ${hostile}`, "Result: FAIL");
  }
  return lines.join("\n") + "\n";
}

/** The saved history (`lra history` JSON) of builds 1–12 of [historyBuildLog], written to
 * ARTIFACTS/NAME first. */
export function designedHistory(name, hostile) {
  const dir = path.join(ARTIFACTS, name);
  mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 12; b++) writeFileSync(path.join(dir, `build-${b}.log`), historyBuildLog(b, hostile));
  return execFileSync(LRA, ["history", dir], { maxBuffer: 64 << 20 }).toString();
}
