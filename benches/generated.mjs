// What the browser benchmarks share: generated logs, made once with the release CLI into
// target/bench, and the page they are timed on.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, renameSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { serve } from "../tests/e2e/server.mjs";
import { launch } from "../tests/e2e/browser.mjs";

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
