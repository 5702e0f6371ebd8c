// A static server for dist/, mounted at a sub-path, with or without the cross-origin-isolation
// headers. Loopback only.
import http from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
};

/**
 * Serves `root` under `base` (e.g. "/lra/"), plus any `extra` pages ({path: html}) at any path
 * (a page may be `{body, type, delay}`: another type, answered after `delay` ms),
 * and the files of the `fixtures` directory under /fixtures/. `overrides` ({prefix: directory})
 * serves the files under `base + prefix` from that directory instead of `root` (the fault tests'
 * engine, without touching dist/).
 * Returns {origin, url, close}.
 */
export async function serve({ root, base = "/lra/", isolate = true, extra = {}, fixtures = null, overrides = {} }) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    const headers = {};
    if (isolate) {
      headers["Cross-Origin-Opener-Policy"] = "same-origin";
      headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    }
    if (extra[url.pathname] !== undefined) {
      const page = extra[url.pathname];
      const { body, type = TYPES[".html"], delay = 0 } = typeof page === "string" ? { body: page } : page;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      res.writeHead(200, { ...headers, "Content-Type": type });
      res.end(body);
      return;
    }
    if (fixtures && url.pathname.startsWith("/fixtures/")) {
      try {
        const body = await readFile(path.join(fixtures, path.basename(decodeURIComponent(url.pathname))));
        res.writeHead(200, { ...headers, "Content-Type": "application/octet-stream" });
        res.end(body);
      } catch {
        res.writeHead(404).end("not found");
      }
      return;
    }
    if (!url.pathname.startsWith(base)) {
      res.writeHead(404).end("not found");
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(base.length)) || "index.html";
    if (rel.endsWith("/")) rel += "index.html";
    const prefix = Object.keys(overrides).find((p) => rel.startsWith(p));
    const dir = prefix === undefined ? root : overrides[prefix];
    const file = path.join(dir, path.normalize(prefix === undefined ? rel : rel.slice(prefix.length)));
    if (!file.startsWith(path.resolve(dir))) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, url: origin + base, close: () => new Promise((r) => server.close(r)) };
}
