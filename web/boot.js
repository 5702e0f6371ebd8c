// Loads the app's wasm from beside this file, so that the app works from any sub-path and
// without an inline script (which the Content-Security-Policy forbids).
import init from "./lra-app.js";

try {
  await init({ module_or_path: new URL("./lra-app_bg.wasm", import.meta.url) });
} catch (error) {
  const p = document.createElement("p");
  p.className = "fatal";
  p.textContent = `LogResultAccumulator could not start: ${error && error.message ? error.message : error}`;
  document.body.append(p);
  throw error;
}
