// Generated logs for the browser benchmarks, made once with the release CLI into target/bench.
import { execFileSync } from "node:child_process";
import { mkdirSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DIR = path.join(ROOT, "target/bench");

/** Writes target/bench/NAME with `lra generate ARGS...` unless it is there already. */
export function generatedLog(name, args) {
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, name);
  if (!existsSync(file)) {
    writeFileSync(file, execFileSync(path.join(ROOT, "target/release/lra"), ["generate", ...args], { maxBuffer: 256 << 20 }));
  }
  return file;
}
