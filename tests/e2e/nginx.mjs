// A real static host for the browser tests: Debian's nginx (installed by `make browser`), run by
// the test itself as a child process on 127.0.0.1 with a config written to a temporary directory
// that also holds its pid file, logs and temporary paths, so that nothing of the package's own
// setup (/etc/nginx, /var/log/nginx, /run) is read or written. `dist/` is served under a
// sub-path, the fixtures under /fixtures/.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const NGINX = process.env.NGINX || "/usr/sbin/nginx";

/** A port that was free a moment ago (nginx binds it next; a lost race makes start() retry). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The config: `isolate` adds the cross-origin-isolation headers to every response (`always`:
 * errors too); `headers` is the path of a snippet of scripts/host-config.mjs
 * (`nginx-headers.conf`), included where the app is served, and `embedders` that of an
 * embedders.json served in place of dist's; `gzip` compresses the app's code as hosts commonly do. The MIME types are our
 * own, not /etc/nginx/mime.types, so that .wasm is application/wasm (streaming compilation
 * needs it) and .js text/javascript whatever the machine has.
 */
export function config({ dir, port, base, root, fixtures, isolate, gzip, headers, embedders }) {
  const tmp = (name) => path.join(dir, name);
  return `
# As root, nginx's workers would switch to "nobody", who may not read the work tree.
${process.getuid?.() === 0 ? "user root;" : ""}
worker_processes 1;
pid ${tmp("nginx.pid")};
error_log ${tmp("error.log")} warn;
events { worker_connections 64; }
http {
  types {
    text/html html;
    text/css css;
    text/javascript js mjs;
    application/wasm wasm;
    application/json json;
    image/png png;
    image/svg+xml svg;
  }
  default_type application/octet-stream;
  access_log ${tmp("access.log")};
  client_body_temp_path ${tmp("client_body")};
  proxy_temp_path ${tmp("proxy")};
  fastcgi_temp_path ${tmp("fastcgi")};
  uwsgi_temp_path ${tmp("uwsgi")};
  scgi_temp_path ${tmp("scgi")};
  sendfile on;
  # A missing file is the 404 the browser sees; the error log keeps only real faults.
  log_not_found off;
${gzip ? `  gzip on;
  gzip_vary on;
  gzip_min_length 1;
  gzip_types application/wasm text/javascript application/javascript text/css application/json;` : ""}
  server {
    listen 127.0.0.1:${port};
    server_name _;
${isolate ? `    add_header Cross-Origin-Opener-Policy same-origin always;
    add_header Cross-Origin-Embedder-Policy require-corp always;` : ""}
    location ${base} {
      alias ${root}/;
      index index.html;
${headers ? `      include ${headers};` : ""}
    }
${embedders ? `    location = ${base}embedders.json {
      alias ${embedders};
${headers ? `      include ${headers};` : ""}
    }` : ""}
    location /fixtures/ {
      alias ${fixtures}/;
    }
  }
}
`;
}

/** Waits until something answers HTTP on `origin`, or the process ends. */
async function answering(origin, child, logs) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${logs()}`);
    try {
      await fetch(origin + "/");
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nginx did not answer on ${origin}: ${logs()}`);
}

/**
 * Starts nginx serving `root` under `base` and `fixtures` under /fixtures/.
 * Returns {origin, url, port, errors(), close()}: `errors()` is nginx's error log.
 */
export async function startNginx({ root, fixtures, base = "/tools/lra/", isolate = true, gzip = false, headers, embedders }) {
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "lra-nginx-"));
    const port = await freePort();
    writeFileSync(path.join(dir, "nginx.conf"), config({ dir, port, base, root, fixtures, isolate, gzip, headers, embedders }));
    // -e: the error log before the config is read is ours too, not /var/log/nginx/error.log.
    const child = spawn(
      NGINX,
      ["-p", dir, "-e", path.join(dir, "error.log"), "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const errors = () => {
      let log = "";
      try {
        log = readFileSync(path.join(dir, "error.log"), "utf8");
      } catch {}
      return stderr + log;
    };
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const origin = `http://127.0.0.1:${port}`;
    try {
      await answering(origin, child, errors);
    } catch (error) {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
      // Another process took the port between the probe and nginx's bind.
      if (attempt < 3 && /Address already in use/.test(error.message)) continue;
      throw error;
    }
    return {
      origin,
      port,
      url: origin + base,
      errors,
      close: async () => {
        // SIGQUIT: a graceful stop; the master waits for its worker.
        if (child.exitCode === null) child.kill("SIGQUIT");
        await exited;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
