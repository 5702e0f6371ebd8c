// The app on a real static host: Debian's nginx serves dist/ under a sub-path, as users host it,
// with the headers dist/nginx-headers.conf ships (scripts/host-config.mjs) and without any, on
// an origin that is not a secure context, and with gzip, as hosts commonly compress code. `make test` installs nginx (the
// `browser` target) and builds dist/ and the CLI first.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";

import { startNginx } from "./nginx.mjs";
import { engineReady, analyzeFixtures, launch, watchProblems } from "./browser.mjs";
import { DIST, FIXTURES, LOGS, cli, essence, prepareFixtures } from "./harness.mjs";

const BASE = "/tools/lra/";
/** The nginx snippet dist/ ships: COOP/COEP, the CSP with frame-ancestors, nosniff. */
const SHIPPED_HEADERS = path.join(DIST, "nginx-headers.conf");
// Chromium trusts all of 127.0.0.0/8 and localhost as secure contexts; a made-up name that it
// resolves to loopback is plain HTTP from "another machine", which is not.
const INSECURE_HOST = "lra.test";

let browser;
before(() => prepareFixtures());
before(async () => {
  browser = await launch({ args: [`--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`] });
});
after(async () => {
  await browser?.close();
});

/**
 * Starts nginx with `options` (see nginx.mjs) and opens the app from `host` in a fresh context.
 * Collects every request (the workers' and the service worker's too), the main frame's
 * navigations (one per load of the document, so a reload counts), and what went wrong: page
 * errors, console errors and warnings, failed requests and HTTP errors.
 */
async function open(options, host = "127.0.0.1") {
  const server = await startNginx({ root: DIST, fixtures: FIXTURES, base: BASE, ...options });
  const origin = `http://${host}:${server.port}`;
  const context = await browser.newContext();
  const page = await context.newPage();
  const s = { server, context, page, origin, url: origin + BASE, requests: [], responses: [], navigations: 0, problems: [] };
  context.on("request", (r) => s.requests.push(r.url()));
  context.on("response", (r) => s.responses.push(r));
  // Which document asked for a request, by how many the main frame had committed then: a reload
  // aborts the requests of the document it replaces, which is no fault, including those its
  // workers begin after the reload has started but before the new document commits.
  const asker = new WeakMap();
  let commits = 0;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) commits++;
  });
  page.on("request", (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) s.navigations++;
    asker.set(r, commits);
  });
  page.on("requestfailed", (r) => {
    const error = r.failure()?.errorText;
    if (error === "net::ERR_ABORTED" && asker.get(r) < s.navigations) return;
    s.problems.push(`request failed: ${r.url()} ${error}`);
  });
  watchProblems(page, s.problems);
  page.on("console", (m) => {
    if (m.type() !== "error" && m.type() !== "warning") return;
    // The browser asks every origin for /favicon.ico, outside the app's sub-path: the host's 404.
    if (new URL(m.location().url || "about:blank").pathname === "/favicon.ico") return;
    s.problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname !== "/favicon.ico") s.problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  s.close = async () => {
    await context.close();
    await server.close();
  };
  try {
    s.document = await page.goto(s.url);
  } catch (error) {
    await s.close();
    throw error;
  }
  return s;
}

/** Analyses LOGS through the embedding API and checks the summary against the CLI's. */
async function analysesRight(s) {
  const summary = await analyzeFixtures(s.page, LOGS);
  assert.deepEqual(essence(summary), essence(cli(LOGS)));
}

const status = (s) => s.page.evaluate(() => window.LogResultAccumulator.status());
const threadLine = async (s) => (await s.page.textContent("#threads")).trim();
/** The paths under BASE that the page fetched, e.g. "engine/mt/lra_engine_bg.wasm". */
const fetched = (s) => s.requests.filter((u) => u.startsWith(s.url)).map((u) => new URL(u).pathname.slice(BASE.length));

/** Nothing left the origin, nothing went wrong in the page, nor in nginx. */
function clean(s) {
  // blob: URLs (the thread pool's workers) belong to the origin that made them; data: is no request.
  const foreign = s.requests.filter((u) => !u.startsWith("data:") && new URL(u).origin !== s.origin);
  assert.deepEqual(foreign, [], "requests that left the origin");
  assert.ok(fetched(s).includes("lra-app_bg.wasm"), `the app's requests were seen: ${s.requests}`);
  assert.deepEqual(s.problems, []);
  assert.doesNotMatch(s.server.errors(), /\[(error|crit|alert|emerg)\]/);
}

test("nginx with dist's nginx-headers.conf: isolated at once, the threaded build, the CLI's summary", async () => {
  const s = await open({ isolate: false, headers: SHIPPED_HEADERS });
  try {
    const headers = await s.document.allHeaders();
    assert.equal(headers["cross-origin-opener-policy"], "same-origin");
    assert.equal(headers["x-content-type-options"], "nosniff");
    assert.match(headers["content-security-policy"], /(^|; )connect-src 'self'(;|$)/);
    // dist's embedders.json allows no other origin: only the app's own may frame it.
    assert.match(headers["content-security-policy"], /; frame-ancestors 'self'$/);
    assert.equal(headers["cross-origin-resource-policy"], undefined);
    assert.equal(await s.page.evaluate(() => window.crossOriginIsolated), true);
    await engineReady(s.page);
    await analysesRight(s);
    const st = await status(s);
    assert.equal(st.build, "threaded");
    assert.equal(st.isolated, true);
    assert.ok(st.threads > 1, `threads: ${st.threads}`);
    assert.match(await threadLine(s), /^\d+ threads: this page is cross-origin isolated$/);
    assert.ok(fetched(s).includes("engine/mt/lra_engine_bg.wasm"));
    assert.ok(!fetched(s).includes("engine/st/lra_engine_bg.wasm"), "the single-threaded build was loaded too");
    // The host's headers isolate the page: the service worker neither reloads nor controls it.
    assert.equal(s.navigations, 1);
    assert.equal(await s.page.evaluate(() => navigator.serviceWorker.controller), null);
    clean(s);
  } finally {
    await s.close();
  }
});

test("nginx without the headers: the service worker isolates the page after exactly one reload", async () => {
  const s = await open({ isolate: false });
  try {
    assert.equal((await s.document.allHeaders())["cross-origin-opener-policy"], undefined, "nginx sent COOP");
    await s.page.waitForFunction(() => window.crossOriginIsolated === true, null, { timeout: 15000 });
    await engineReady(s.page);
    assert.match(
      await s.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL),
      /\/tools\/lra\/coi-serviceworker\.min\.js$/,
    );
    await analysesRight(s);
    const st = await status(s);
    assert.equal(st.build, "threaded");
    assert.equal(st.isolated, true);
    assert.match(await threadLine(s), /^\d+ threads: this page is cross-origin isolated$/);
    // The first load registers the service worker and reloads once; the second is isolated.
    assert.equal(s.navigations, 2);
    clean(s);
  } finally {
    await s.close();
  }
});

test("plain HTTP from a host other than localhost: no service worker, single-threaded, and the page says why", async () => {
  const s = await open({ isolate: false }, INSECURE_HOST);
  try {
    assert.deepEqual(
      await s.page.evaluate(() => [window.isSecureContext, window.crossOriginIsolated, "serviceWorker" in navigator]),
      [false, false, false],
    );
    await engineReady(s.page);
    await analysesRight(s);
    const st = await status(s);
    assert.equal(st.build, "single");
    assert.equal(st.isolated, false);
    assert.ok(fetched(s).includes("engine/st/lra_engine_bg.wasm"));
    assert.ok(!fetched(s).includes("engine/mt/lra_engine_bg.wasm"), "the threaded build was loaded");
    const line = await threadLine(s);
    assert.match(line, /this page is not cross-origin isolated/);
    assert.match(line, /not a secure context/);
    assert.match(line, /no service worker can isolate it/);
    assert.match(line, /single-threaded engine/);
    assert.equal(s.navigations, 1, "no reload was tried");
    clean(s);
  } finally {
    await s.close();
  }
});

test("nginx compressing with gzip: the .wasm and .js files arrive gzipped and the threaded app works", async () => {
  const s = await open({ isolate: false, headers: SHIPPED_HEADERS, gzip: true });
  try {
    await engineReady(s.page);
    await analysesRight(s);
    assert.equal((await status(s)).build, "threaded");
    // Isolated by nginx's headers, not the service worker: what follows is what nginx sent.
    assert.equal(s.navigations, 1);
    const code = s.responses.filter((r) => r.url().startsWith(s.url) && /\.(wasm|js)$/.test(new URL(r.url()).pathname));
    const paths = code.map((r) => new URL(r.url()).pathname.slice(BASE.length));
    for (const expected of ["boot.js", "lra-app.js", "lra-app_bg.wasm", "engine/worker.js", "engine/mt/lra_engine.js", "engine/mt/lra_engine_bg.wasm"]) {
      assert.ok(paths.includes(expected), `${expected} was not fetched: ${paths}`);
    }
    for (const r of code) {
      const headers = await r.allHeaders();
      const wasm = r.url().endsWith(".wasm");
      assert.equal(headers["content-encoding"], "gzip", `${r.url()} was not gzipped`);
      assert.equal(headers["content-type"], wasm ? "application/wasm" : "text/javascript", r.url());
    }
    clean(s);
  } finally {
    await s.close();
  }
});

/** A server on another origin that counts the requests it gets and lets any page read its
 * answers (CORS and CORP both allow it), so that only a Content-Security-Policy can stop them. */
async function counter() {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200, {
      "Access-Control-Allow-Origin": "*",
      "Cross-Origin-Resource-Policy": "cross-origin",
      "Content-Type": "text/plain",
    });
    res.end("received");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/collect`, hits: () => hits, close: () => new Promise((r) => server.close(r)) };
}

/** What the engine's worker, the one that holds the logs' bytes, gets when it posts to `url`. */
async function postFromEngine(s, url) {
  const deadline = Date.now() + 10_000;
  let worker;
  while (!(worker = s.page.workers().find((w) => w.url().endsWith("/engine/worker.js")))) {
    if (Date.now() > deadline) throw new Error(`no engine worker among ${s.page.workers().map((w) => w.url())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return worker.evaluate(async (url) => {
    try {
      const response = await fetch(url, { method: "POST", body: "test names and failure reasons" });
      return `sent: ${await response.text()}`;
    } catch (error) {
      return `refused: ${error}`;
    }
  }, url);
}

test("under dist's nginx-headers.conf the engine's worker cannot send to another origin; without them it could", async () => {
  const elsewhere = await counter();
  try {
    // A worker does not inherit the page's <meta> policy: without the host's header it can send.
    const bare = await open({ isolate: true });
    try {
      await engineReady(bare.page);
      assert.equal(await postFromEngine(bare, elsewhere.url), "sent: received");
      assert.equal(elsewhere.hits(), 1);
    } finally {
      await bare.close();
    }
    const s = await open({ isolate: false, headers: SHIPPED_HEADERS });
    try {
      await engineReady(s.page);
      assert.match(await postFromEngine(s, elsewhere.url), /^refused: TypeError/);
      // Refused before it left: the other origin never saw the request.
      assert.equal(elsewhere.hits(), 1);
      assert.equal(await s.page.evaluate(() => window.crossOriginIsolated), true);
    } finally {
      await s.close();
    }
  } finally {
    await elsewhere.close();
  }
});
