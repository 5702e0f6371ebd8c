// Embedding by consent (docs/design.md, "Threat model"): a page of another origin that frames the
// app receives nothing unless the host lists it in embedders.json; where the host sends the
// headers of scripts/host-config.mjs, such a page cannot frame the app at all. The three host
// configurations that script writes agree. Portals are pages of other origins (other ports of
// 127.0.0.1), served by tests/e2e/server.mjs; the app is served by nginx or by that server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { configs, headers, pagePolicy, parseEmbedders, writeHostConfigs } from "../../scripts/host-config.mjs";
import { engineReady, watchProblems } from "./browser.mjs";
import { startNginx } from "./nginx.mjs";
import { serve } from "./server.mjs";
import { DIST, FIXTURES, suite } from "./harness.mjs";

const chromium = suite();

/** The headers of each host configuration, read back as {name: value}, one map per file. */
function readBack(dir) {
  const pairs = {
    _headers: [...readFileSync(path.join(dir, "_headers"), "utf8").matchAll(/^  ([\w-]+): (.*)$/gm)],
    nginx: [...readFileSync(path.join(dir, "nginx-headers.conf"), "utf8").matchAll(/^add_header ([\w-]+) "(.*)" always;$/gm)],
    caddy: [...readFileSync(path.join(dir, "Caddyfile"), "utf8").matchAll(/^\t\t([\w-]+) "(.*)"$/gm)],
  };
  return Object.fromEntries(Object.entries(pairs).map(([host, found]) => [host, Object.fromEntries(found.map((m) => [m[1], m[2]]))]));
}

/** A folder with dist's index.html and `embedders`, and the host configurations written there. */
function site(embedders) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lra-site-"));
  copyFileSync(path.join(DIST, "index.html"), path.join(dir, "index.html"));
  writeFileSync(path.join(dir, "embedders.json"), JSON.stringify({ embedders }));
  writeHostConfigs(dir);
  return dir;
}

test("the host configurations dist/ ships agree, and follow embedders.json and the page's own policy", () => {
  const shipped = readBack(DIST);
  assert.deepEqual(shipped.nginx, shipped._headers);
  assert.deepEqual(shipped.caddy, shipped._headers);
  const policy = pagePolicy(readFileSync(path.join(DIST, "index.html"), "utf8"));
  assert.deepEqual(shipped._headers, {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Content-Security-Policy": `${policy}; frame-ancestors 'self'`,
    "X-Content-Type-Options": "nosniff",
  });
  assert.match(policy, /(^|; )connect-src 'self'(;|$)/);
  assert.equal(JSON.parse(readFileSync(path.join(DIST, "embedders.json"), "utf8")).embedders.length, 0);

  const dir = site(["https://portal.example.com", "http://127.0.0.1:8081"]);
  try {
    const written = readBack(dir);
    assert.deepEqual(written.nginx, written._headers);
    assert.deepEqual(written.caddy, written._headers);
    assert.equal(written._headers["Content-Security-Policy"], `${policy}; frame-ancestors 'self' https://portal.example.com http://127.0.0.1:8081`);
    assert.equal(written._headers["Cross-Origin-Resource-Policy"], "cross-origin");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The three are one list written three ways.
  const list = headers("default-src 'self'", ["https://a.example"]);
  assert.equal(Object.keys(configs(list)).length, 3);
});

test("embedders.json takes origins only; anything else is refused with the reason", () => {
  assert.deepEqual(parseEmbedders('{"embedders": ["https://a.example", "https://a.example", "http://[::1]:8080"]}'), ["https://a.example", "http://[::1]:8080"]);
  for (const bad of ['{"embedders": ["*"]}', '{"embedders": ["https://a.example/"]}', '{"embedders": ["https://A.example"]}', '{"embedders": ["null"]}', '["https://a.example"]', "{", '{"embedders": ["https://a.example", 3]}']) {
    assert.throws(() => parseEmbedders(bad), /embedders\.json/, bad);
  }
});

/** A portal page that frames `src` and keeps every message it is sent in `window.received`. */
function portalPage(src, allow = "") {
  return `<!doctype html><title>portal</title>
    <iframe id="lra" src="${src}" width="1000" height="800" ${allow}></iframe>
    <script>
      window.received = [];
      addEventListener("message", (e) => window.received.push(e.data));
      window.frameLoaded = new Promise((resolve) => document.querySelector("#lra").addEventListener("load", resolve, { once: true }));
    </script>`;
}

/** The app's frame inside `page`, once its document is the app (served from `appUrl`). */
async function appFrame(page, appUrl) {
  await page.waitForFunction(() => window.frameLoaded);
  const frame = page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith(appUrl));
  assert.ok(frame, `the app's frame: ${page.frames().map((f) => f.url())}`);
  await frame.waitForFunction(() => window.LogResultAccumulator);
  await engineReady(frame);
  return frame;
}

/** The portal posts `message` to its frame; a File is made there from `[name, text]`. */
function postToFrame(page, type, file) {
  return page.evaluate(({ type, file }) => {
    const files = file ? [new File([file[1]], file[0])] : [];
    document.querySelector("#lra").contentWindow.postMessage(type === "lra:watch" ? { type } : { type, files }, "*");
  }, { type, file });
}

/** Problems of `page` and its frames; with service workers blocked, coi-serviceworker's
 * `register()` resolves to undefined, which it does not expect (as in harness.mjs). */
const watchFramed = (page) => watchProblems(page, [], (e) => /reading 'scope'/.test(String(e)));

const PORTAL_LOG = ["portal.log", "Test: sent by the portal\nResult: PASS\n"];
const USER_LOG = { name: "user.log", mimeType: "text/plain", buffer: Buffer.from("Test: dropped by the user\nResult: FAIL broke\n") };

test("a host without headers: a page of another origin frames the app, the user drops a file, and the page receives nothing", async () => {
  const app = await serve({ root: DIST, isolate: false });
  const hostile = await serve({ root: DIST, isolate: false, extra: { "/portal.html": portalPage(app.url) } });
  const context = await chromium.browser().newContext({ serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    const problems = watchFramed(page);
    await page.goto(hostile.origin + "/portal.html");
    const frame = await appFrame(page, app.url);
    assert.equal((await frame.textContent("#embedding")).trim(), "Inside another page: not shared with it.");
    // It asks for summaries, and tries to add a file of its own.
    await postToFrame(page, "lra:watch");
    await postToFrame(page, "lra:analyze");
    await postToFrame(page, "lra:analyze", PORTAL_LOG);
    await frame.waitForFunction((origin) => document.querySelector("#embedding")?.textContent.includes(origin), hostile.origin);
    // The user still analyses in the frame.
    await frame.setInputFiles("input[type=file]:not([webkitdirectory])", USER_LOG);
    const summary = await frame.evaluate(() => window.LogResultAccumulator.summary());
    assert.deepEqual(summary.tests.map((t) => t.name), ["dropped by the user"]);
    // A summary would have been posted by now: the engine posts as soon as it is idle.
    await page.waitForTimeout(1000);
    assert.deepEqual(await page.evaluate(() => window.received), []);
    assert.equal(
      (await frame.textContent("#embedding")).trim(),
      `Not shared: ${hostile.origin} asked for the summaries, but this site does not allow it to embed the app.`,
    );
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await hostile.close();
    await app.close();
  }
});

test("a host without headers: an allowed page of another origin is sent each summary, even when it asks before the list is read", async () => {
  // The server reads its pages at each request: each page names the other server's origin.
  const appPages = {};
  const app = await serve({ root: DIST, isolate: false, extra: appPages });
  const portal = await serve({ root: DIST, isolate: false, extra: { "/portal.html": portalPage(app.url) } });
  // An embedders.json that answers late and allows the portal.
  appPages["/lra/embedders.json"] = { body: JSON.stringify({ embedders: [portal.origin] }), type: "application/json", delay: 1500 };
  const context = await chromium.browser().newContext({ serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    const problems = watchFramed(page);
    await page.goto(portal.origin + "/portal.html");
    await page.waitForFunction(() => window.frameLoaded);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    await frame.waitForFunction(() => window.LogResultAccumulator);
    // Before embedders.json has come: the message waits for it.
    await postToFrame(page, "lra:analyze", PORTAL_LOG);
    await page.waitForFunction(() => window.received.some((m) => m?.type === "lra:summary"), null, { timeout: 15000 });
    const summary = (await page.evaluate(() => window.received)).find((m) => m.type === "lra:summary").summary;
    assert.deepEqual(summary.tests.map((t) => t.name), ["sent by the portal"]);
    assert.equal((await frame.textContent("#embedding")).trim(), `Shared with ${portal.origin}: the page around this one receives each summary.`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await portal.close();
    await app.close();
  }
});

test("nginx with the headers: another origin cannot frame the app; an allowed, cross-origin isolated portal can, and is shared with", async () => {
  const allowedPages = {};
  const allowed = await serve({ root: DIST, isolate: true, extra: allowedPages });
  const dir = site([allowed.origin]);
  const nginx = await startNginx({
    root: DIST,
    fixtures: FIXTURES,
    isolate: false,
    headers: path.join(dir, "nginx-headers.conf"),
    embedders: path.join(dir, "embedders.json"),
  });
  const hostile = await serve({ root: DIST, isolate: false, extra: { "/portal.html": portalPage(nginx.url) } });
  allowedPages["/portal.html"] = portalPage(nginx.url, 'allow="cross-origin-isolated"');
  const context = await chromium.browser().newContext();
  try {
    // Blocked: the frame holds the browser's error page, never the app.
    const page = await context.newPage();
    const refused = [];
    page.on("console", (m) => /frame-ancestors/.test(m.text()) && refused.push(m.text()));
    await page.goto(hostile.origin + "/portal.html");
    await page.waitForFunction(() => window.frameLoaded);
    const blocked = page.frames().find((f) => f !== page.mainFrame());
    assert.doesNotMatch(blocked.url(), /^http/, `the frame holds ${blocked.url()}`);
    assert.equal(await page.evaluate(() => window.received.length), 0);
    await postToFrame(page, "lra:analyze", PORTAL_LOG);
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.received.length), 0);
    assert.equal(refused.length > 0, true, "Chromium said why the frame was refused");

    // Allowed, and itself cross-origin isolated: the app's document carries CORP cross-origin.
    const good = await context.newPage();
    const problems = watchProblems(good);
    await good.goto(allowed.origin + "/portal.html");
    assert.equal(await good.evaluate(() => window.crossOriginIsolated), true);
    const frame = await appFrame(good, nginx.url);
    await postToFrame(good, "lra:analyze", PORTAL_LOG);
    await good.waitForFunction(() => window.received.some((m) => m?.type === "lra:summary"), null, { timeout: 15000 });
    const summary = (await good.evaluate(() => window.received)).find((m) => m.type === "lra:summary").summary;
    assert.deepEqual(summary.tests.map((t) => t.name), ["sent by the portal"]);
    assert.equal((await frame.textContent("#embedding")).trim(), `Shared with ${allowed.origin}: the page around this one receives each summary.`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await allowed.close();
    await hostile.close();
    await nginx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
