// Headless Chromium from Debian's package, driven by playwright-core (no downloaded browser).
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export function launch() {
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
    ],
  });
}

/** Waits until the engine says how many threads it runs; returns that line. */
export async function engineReady(page) {
  await page.waitForFunction(() => {
    const el = document.querySelector("#threads");
    return window.LogResultAccumulator && (!el || !el.textContent.includes("Starting"));
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
