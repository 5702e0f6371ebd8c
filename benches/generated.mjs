// What the browser benchmarks share: generated logs, made once with the release CLI into
// target/bench, and the page they are timed on.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, renameSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { serve } from "../tests/e2e/server.mjs";
import { engineReady, launch } from "../tests/e2e/browser.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DIR = path.join(ROOT, "target/bench");

/** 10,000 tests × 1,000 iterations, 500 flaky (1.4 GB): many distinct tests in every slice. */
export const MANY_ITERATIONS = ["many-iterations.log", ["--tests", "10000", "--iterations", "1000", "--flaky", "500", "--fail-rate", "0.05"]];

/** Writes target/bench/NAME with `lra generate ARGS...` unless it is there already. */
export function generatedLog(name, args) {
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, name);
  if (!existsSync(file)) {
    // Straight to the file: some logs are larger than a Node buffer.
    const out = openSync(file + ".part", "w");
    try {
      execFileSync(path.join(ROOT, "target/release/lra"), ["generate", ...args], { stdio: ["ignore", out, "inherit"] });
    } finally {
      closeSync(out);
    }
    renameSync(file + ".part", file);
  }
  return file;
}

/** dist/ served cross-origin isolated, with target/bench as its /fixtures/, open in headless
 * Chromium: the page, the browser and the page's URL; `close()` ends both. */
export async function benchPage() {
  const server = await serve({ root: path.join(ROOT, "dist"), isolate: true, fixtures: DIR });
  const browser = await launch();
  const close = async () => {
    await browser.close();
    await server.close();
  };
  const page = await (await browser.newContext()).newPage();
  await page.goto(server.url);
  return { page, browser, url: server.url, close };
}

/** The build of the page the per-round benches serve: LRA_DIST (a copy of another build, to
 * compare two), else dist/. */
export const DIST = process.env.LRA_DIST ?? path.join(ROOT, "dist");

/** A fresh page of `server` in a context of its own, its engine ready and ECharts' warm-up at
 * load (web/charts.js) over, so that neither is in what a round times. */
export async function freshPage(browser, server) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await engineReady(page);
  await page.waitForFunction(() => window.lraCharts.warmed);
  return { context, page };
}

/** Drops `file` on `page` and waits for its summary's last part, the files table. */
export async function dropAndSummarize(page, file) {
  await page.setInputFiles("input[type=file]:not([webkitdirectory])", file);
  await page.waitForSelector(".files-table tbody tr", { timeout: 600000 });
}
