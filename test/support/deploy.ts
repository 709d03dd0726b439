// The shipped deployment files, run as the guide runs them (docs/DEPLOY.md): Debian's nginx on
// deploy/nginx.conf (only its placeholders substituted: ports, certificate, upstream, log and
// webroot paths) in front of a real Earshot started by deploy/earshot.service's ExecStart=, all
// on loopback; and plain requests that pick the loopback address nginx sees.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestCert, type TestCert } from "./certs.ts";
import { freePort } from "./services.ts";

export const root = new URL("../../", import.meta.url).pathname;
export const read = (path: string) => readFileSync(join(root, path), "utf8");

/** Debian's nginx; missing, the test fails and says what to install (it never skips). */
function nginxBinary(): string {
  for (const p of ["/usr/sbin/nginx", "/usr/bin/nginx"]) if (existsSync(p)) return p;
  throw new Error("nginx is not installed: apt-get install nginx (Debian's package; .ci/run installs it)");
}

/** The unit's ExecStart= as argv (no quoting is used in the shipped unit). */
export function unitExecStart(): string[] {
  const line = read("deploy/earshot.service")
    .split("\n")
    .find((l) => l.startsWith("ExecStart="));
  assert.ok(line, "deploy/earshot.service has an ExecStart=");
  return line.slice("ExecStart=".length).trim().split(/\s+/);
}

/** The shipped file with each placeholder replaced; a placeholder that vanished fails the test. */
function substitute(text: string, pairs: [string, string][]): string {
  let out = text;
  for (const [from, to] of pairs) {
    assert.ok(
      out.includes(from),
      `deploy/nginx.conf no longer contains "${from}": update the docs and this test`,
    );
    out = out.replaceAll(from, to);
  }
  return out;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request without keep-alive; `localAddress` picks the loopback address nginx sees. */
export function send(
  url: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    ca?: string | Buffer;
    localAddress?: string;
  } = {},
): Promise<Reply> {
  const u = new URL(url);
  const request = u.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: opts.method ?? "GET",
        headers: { connection: "close", ...opts.headers },
        ca: opts.ca,
        localAddress: opts.localAddress,
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${url}: no answer within 10 s`)));
    req.end(opts.body);
  });
}

export async function waitFor(
  what: string,
  ok: () => boolean | Promise<boolean>,
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}

export interface NginxFront {
  cert: TestCert;
  /** The temp folder: nginx's config, its logs (access.log) and the webroot. */
  dir: string;
  /** https://127.0.0.1:port and http://127.0.0.1:port of nginx. */
  https: string;
  http: string;
  /** What Earshot printed so far (its JSON log lines). */
  earshotOut(): string;
  close(): Promise<void>;
}

/** nginx on the shipped site config in front of Earshot as the unit starts it; resolves once both answer. */
export async function startNginxFront(): Promise<NginxFront> {
  const cert = makeTestCert({ ips: ["127.0.0.1"], dns: ["localhost"] });
  const dir = mkdtempSync(join(tmpdir(), "earshot-nginx-"));
  let nginx: ChildProcess | undefined;
  let earshot: ChildProcess | undefined;
  let earshotOut = "";
  let nginxErr = "";
  let https = "";
  let http = "";
  const close = async () => {
    await Promise.all([stop(nginx), stop(earshot)]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const bin = nginxBinary();
    // The web app the guide builds once at install (`npm run build:web`); a no-op when current.
    execFileSync(process.execPath, ["scripts/ensure-web.mjs", "--test"], { cwd: root, stdio: "inherit" });

    // Earshot as the unit runs it: its ExecStart in the checkout (WorkingDirectory), with the
    // guide's proxy settings and nothing inherited that could change them.
    const [command, ...args] = unitExecStart();
    const earshotPort = await freePort();
    earshot = spawn(existsSync(command) ? command : process.execPath, args, {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? dir,
        PORT: String(earshotPort),
        HOST: "127.0.0.1",
        EARSHOT_TRUST_PROXY: "1",
        // Small enough to reach in a test: failed sign-ins per client address.
        EARSHOT_LOGIN_IP_MAX: "5",
        EARSHOT_DATA_DIR: "memory://",
        // Behind a proxy demo data is never on by itself (its passwords are public); the test signs in as a demo user.
        EARSHOT_DEMO: "1",
        EARSHOT_MEDIA_HOST: "127.0.0.1",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    earshot.stdout?.on("data", (c) => {
      earshotOut += c;
    });
    earshot.stderr?.on("data", (c) => {
      earshotOut += c;
    });

    // nginx unprivileged, on loopback ports, running the shipped server blocks.
    chmodSync(dir, 0o755); // nginx's workers (nobody, when the test runs as root) read the webroot
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    const acme = join(dir, "acme");
    mkdirSync(join(acme, ".well-known/acme-challenge"), { recursive: true });
    writeFileSync(join(acme, ".well-known/acme-challenge/probe"), "acme-ok\n", { mode: 0o644 });
    const site = substitute(read("deploy/nginx.conf"), [
      // IPv6 listeners become a second IPv4 loopback listener: the test needs no IPv6.
      ["listen [::]:443 ssl;", `listen 127.0.0.3:${httpsPort} ssl;`],
      ["listen [::]:80;", `listen 127.0.0.3:${httpPort};`],
      ["listen 443 ssl;", `listen 127.0.0.1:${httpsPort} ssl;`],
      ["listen 80;", `listen 127.0.0.1:${httpPort};`],
      ["/etc/letsencrypt/live/earshot.example.com/fullchain.pem", cert.certFile],
      ["/etc/letsencrypt/live/earshot.example.com/privkey.pem", cert.keyFile],
      ["server 127.0.0.1:3000;", `server 127.0.0.1:${earshotPort};`],
      ["/var/log/nginx/earshot.access.log", join(dir, "access.log")],
      ["root /var/www/html;", `root ${acme};`],
    ]);
    writeFileSync(join(dir, "earshot.conf"), site);
    const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
      .map((t) => `  ${t}_temp_path ${join(dir, t)};`)
      .join("\n");
    // What Debian's /etc/nginx/nginx.conf provides around sites-enabled, pointed at the temp dir.
    writeFileSync(
      join(dir, "nginx.conf"),
      `daemon off;\npid ${join(dir, "nginx.pid")};\nerror_log ${join(dir, "error.log")} info;\n` +
        `events { worker_connections 256; }\nhttp {\n  access_log ${join(dir, "default.access.log")};\n${temp}\n` +
        `  include ${join(dir, "earshot.conf")};\n}\n`,
    );
    const nginxArgs = ["-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf")];
    const check = spawnSync(bin, ["-t", ...nginxArgs], { encoding: "utf8" });
    assert.equal(check.status, 0, `nginx -t refused the shipped config:\n${check.stderr}\n${site}`);
    nginx = spawn(bin, nginxArgs, { stdio: ["ignore", "pipe", "pipe"] });
    nginx.stderr?.on("data", (c) => {
      nginxErr += c;
    });
    https = `https://127.0.0.1:${httpsPort}`;
    http = `http://127.0.0.1:${httpPort}`;

    await waitFor("Earshot to start", () => {
      if (earshot?.exitCode !== null) throw new Error(`Earshot exited:\n${earshotOut}`);
      return earshotOut.includes("Earshot is running");
    });
    await waitFor("nginx to listen", async () => {
      if (nginx?.exitCode !== null) throw new Error(`nginx exited:\n${nginxErr}`);
      return send(`${https}/api/v1/health`, { ca: cert.certPem }).then(
        (r) => r.status === 200,
        () => false,
      );
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { cert, dir, https, http, earshotOut: () => earshotOut, close };
}
