#!/usr/bin/env node
// Writes the response headers a static host should send with the app, for the hosts our users
// deploy to, from one source: SITE/embedders.json (the origins allowed to frame the app) and
// the Content-Security-Policy of SITE/index.html's <meta> tag. Into SITE it writes:
//   _headers            Netlify and Cloudflare Pages read it from the site's root;
//   nginx-headers.conf  `include` it in the nginx `location` that serves the app;
//   Caddyfile           a snippet: `import /path/to/Caddyfile` then `import lra_headers` in the site.
// All three send the same headers (docs/design.md, "Threat model"):
//   COOP/COEP         cross-origin isolation, so that the engine runs on threads;
//   CSP               the page's own policy, which then covers the workers too (a worker does not
//                     inherit a <meta> policy): connect-src 'self', nothing leaves; plus
//                     frame-ancestors 'self' and the allowed embedders, which a <meta> cannot say;
//   X-Content-Type-Options: nosniff;
//   Cross-Origin-Resource-Policy: cross-origin, only when some embedder is allowed, so that a
//                     portal that is itself cross-origin isolated can frame the app.
// Trunk runs it after each build (Trunk.toml) on the staging directory; a host that changes
// embedders.json runs it again: `node scripts/host-config.mjs dist`.
// A list that is not valid is refused here (exit 1); the app itself reads a broken or missing
// list as empty, so that a mistake never widens who may embed it.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The origins of an embedders.json text: `{"embedders": ["https://portal.example.com", ...]}`.
 * Each must be an origin as a browser writes it (`event.origin`): http or https, a host, an
 * optional port, nothing else. Throws with the reason otherwise.
 */
export function parseEmbedders(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`embedders.json is not JSON: ${error.message}`);
  }
  const list = value?.embedders;
  if (value === null || typeof value !== "object" || !Array.isArray(list)) {
    throw new Error('embedders.json must be an object {"embedders": [origins]}');
  }
  for (const origin of list) {
    if (typeof origin !== "string" || !isOrigin(origin)) {
      throw new Error(`embedders.json: ${JSON.stringify(origin)} is not an origin such as "https://portal.example.com"`);
    }
  }
  return [...new Set(list)];
}

/** Whether `text` is a serialized http(s) origin, exactly as a browser serializes it. */
function isOrigin(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === "https:" || url.protocol === "http:") && url.origin === text;
}

/** The <meta http-equiv="Content-Security-Policy"> content of an index.html. */
export function pagePolicy(html) {
  const meta = html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i);
  if (!meta) throw new Error("index.html has no Content-Security-Policy <meta> tag");
  return meta[1].trim().replace(/;\s*$/, "");
}

/** The headers, as [name, value] pairs in a fixed order. */
export function headers(policy, embedders) {
  const ancestors = ["'self'", ...embedders].join(" ");
  const list = [
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Cross-Origin-Embedder-Policy", "require-corp"],
    ["Content-Security-Policy", `${policy}; frame-ancestors ${ancestors}`],
    ["X-Content-Type-Options", "nosniff"],
  ];
  if (embedders.length > 0) list.push(["Cross-Origin-Resource-Policy", "cross-origin"]);
  return list;
}

const WRITTEN = "Written by scripts/host-config.mjs from embedders.json; run it again after changing that file.";

/** The three host configurations of `list` (from `headers`): {file name: text}. */
export function configs(list) {
  return {
    "_headers": [`# ${WRITTEN}`, "/*", ...list.map(([name, value]) => `  ${name}: ${value}`), ""].join("\n"),
    // `always`: error responses carry them too. nginx drops a server's add_header lines in a
    // location that has its own, so this goes in the location that serves the app.
    "nginx-headers.conf": [
      `# ${WRITTEN}`,
      ...list.map(([name, value]) => `add_header ${name} "${value}" always;`),
      "",
    ].join("\n"),
    "Caddyfile": [
      `# ${WRITTEN}`,
      "(lra_headers) {",
      "\theader {",
      ...list.map(([name, value]) => `\t\t${name} "${value}"`),
      "\t}",
      "}",
      "",
    ].join("\n"),
  };
}

/** Writes the three files into `site`; returns the headers. */
export function writeHostConfigs(site) {
  const embedders = parseEmbedders(readFileSync(path.join(site, "embedders.json"), "utf8"));
  const list = headers(pagePolicy(readFileSync(path.join(site, "index.html"), "utf8")), embedders);
  for (const [name, text] of Object.entries(configs(list))) writeFileSync(path.join(site, name), text);
  return list;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const site = process.argv[2] || process.env.TRUNK_STAGING_DIR;
  if (!site) {
    console.error("usage: node scripts/host-config.mjs SITE_DIR (the folder of index.html and embedders.json)");
    process.exit(2);
  }
  try {
    writeHostConfigs(site);
  } catch (error) {
    console.error(`host-config: ${error.message}`);
    process.exit(1);
  }
}
