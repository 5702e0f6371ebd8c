// Headless Chromium from Debian's package, driven by playwright-core (no downloaded browser).
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** `args` are more command-line switches, e.g. `--host-resolver-rules=...` (hosts.test.mjs). */
export function launch({ args = [] } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...args,
    ],
  });
}

/** Collects into `problems` what a test must not see on `page`: its uncaught errors (but those
 * `ignore(error)` passes over) and its dialogs, which are dismissed. Returns `problems`. */
export function watchProblems(page, problems = [], ignore = () => false) {
  page.on("pageerror", (e) => {
    if (!ignore(e)) problems.push(`page error: ${e}`);
  });
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  return problems;
}

/** Opens the file `file` (an exported report) in a new context of `browser` with the network
 * blocked. Returns its page, its `problems` (see `watchProblems`), `requests()`: every URL it
 * asked for that is not a file, and `close()`. */
export async function openOffline(browser, file) {
  const context = await browser.newContext({ offline: true });
  const requests = [];
  await context.route("**/*", (route) => {
    requests.push(route.request().url());
    return route.request().url().startsWith("file:") ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto("file://" + file);
  return { page, problems, requests: () => requests.filter((u) => !u.startsWith("file:")), close: () => context.close() };
}

/** Waits until the engine is loaded and reads nothing: the embedding API's `status()` says
 * "idle", with its build and threads (after a Cancel or a crash, once the engine is ready again). */
export async function engineReady(page) {
  await page.waitForFunction(() => {
    const status = window.LogResultAccumulator?.status();
    return status?.phase === "idle" && Boolean(status.build) && status.threads >= 1;
  });
}

/** Analyses the fixtures [name, ...] (served under /fixtures/) through the embedding API. */
export function analyzeFixtures(page, names) {
  return page.evaluate(async (names) => {
    const files = [];
    for (const name of names) {
      const response = await fetch(`/fixtures/${name}`);
      files.push(new File([await response.blob()], name));
    }
    return window.LogResultAccumulator.analyze(files);
  }, names);
}

/** Analyses [name, text] pairs made in the page. */
export function analyzeTexts(page, files) {
  return page.evaluate((files) => {
    return window.LogResultAccumulator.analyze(files.map(([name, text]) => new File([text], name)));
  }, files);
}
