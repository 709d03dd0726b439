// The shipped deployment files work (issue 12): Debian's nginx runs deploy/nginx.conf itself
// (only its placeholders substituted: ports, certificate, upstream, log and webroot paths) in
// front of a real Earshot started as deploy/earshot.service starts it, all on loopback. And the
// unit parses, and the env example and the README document every variable src/config.ts reads.
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { makeTestCert } from "../support/certs.ts";
import { freePort } from "../support/services.ts";

const root = new URL("../../", import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** Debian's nginx; missing, the test fails and says what to install (it never skips). */
function nginxBinary(): string {
  for (const p of ["/usr/sbin/nginx", "/usr/bin/nginx"]) if (existsSync(p)) return p;
  throw new Error("nginx is not installed: apt-get install nginx (Debian's package; .ci/run installs it)");
}

/** The unit's ExecStart= as argv (no quoting is used in the shipped unit). */
function unitExecStart(): string[] {
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

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request without keep-alive; `localAddress` picks the loopback address nginx sees. */
function send(
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

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
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

describe("deploy/nginx.conf in front of Earshot", () => {
  const cert = makeTestCert({ ips: ["127.0.0.1"], dns: ["localhost"] });
  const dir = mkdtempSync(join(tmpdir(), "earshot-nginx-"));
  let nginx: ChildProcess | undefined;
  let earshot: ChildProcess | undefined;
  let earshotOut = "";
  let nginxErr = "";
  let https = "";
  let http = "";

  before(async () => {
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
  });

  after(async () => {
    await Promise.all([stop(nginx), stop(earshot)]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the web app and /api/v1/health over HTTPS, with HSTS", async () => {
    const health = await send(`${https}/api/v1/health`, { ca: cert.certPem });
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body), { status: "ok" });
    assert.equal(health.headers["strict-transport-security"], "max-age=31536000");

    const page = await send(`${https}/`, { ca: cert.certPem });
    assert.equal(page.status, 200);
    assert.match(String(page.headers["content-type"]), /text\/html/);
    assert.match(page.body, /<div id="root">/);
    assert.equal(page.headers["strict-transport-security"], "max-age=31536000");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    assert.ok(script, "the page references its script");
    const asset = await send(`${https}${script}`, { ca: cert.certPem });
    assert.equal(asset.status, 200);
    assert.ok(asset.body.length > 10_000, "the whole script comes through");
  });

  it("redirects plain HTTP to HTTPS, except certbot's webroot challenge", async () => {
    const r = await send(`${http}/api/v1/health?x=1`);
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, "https://127.0.0.1/api/v1/health?x=1");
    assert.equal(r.headers["strict-transport-security"], undefined);
    const challenge = await send(`${http}/.well-known/acme-challenge/probe`);
    assert.equal(challenge.status, 200);
    assert.equal(challenge.body, "acme-ok\n");
  });

  it("signs in and opens the WebSocket over wss:// through nginx, which receives its hello", async () => {
    const login = await send(`${https}/api/v1/auth/login`, {
      method: "POST",
      ca: cert.certPem,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "sofia@demo.test", password: "demo1234" }),
    });
    assert.equal(login.status, 200, login.body);
    const { token } = JSON.parse(login.body) as { token: string };
    const socket = new WebSocket(`${https.replace("https", "wss")}/api/v1/ws?token=${token}`, {
      ca: cert.certPem,
    });
    try {
      const hello = await new Promise<{ type: string; user: { email: string } }>((resolve, reject) => {
        socket.once("message", (raw) => resolve(JSON.parse(String(raw))));
        socket.once("error", reject);
        socket.once("close", (code) => reject(new Error(`closed ${code}`)));
      });
      assert.equal(hello.type, "hello");
      assert.equal(hello.user.email, "sofia@demo.test");
      // The socket stays open and carries client messages (a ping gets no answer, no error).
      socket.send(JSON.stringify({ type: "ping" }));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(socket.readyState, WebSocket.OPEN);
    } finally {
      socket.close();
    }
    await waitFor(
      "the access log",
      () => readFileSync(join(dir, "access.log"), "utf8").includes("/api/v1/ws"),
      5000,
    );
    const access = readFileSync(join(dir, "access.log"), "utf8");
    assert.match(access, /"GET \/api\/v1\/ws HTTP\/1\.1" 101 /);
    assert.ok(!access.includes(token), "nginx's access log never holds the session token");
    assert.ok(!earshotOut.includes(token), "Earshot's log never holds the session token");
  });

  it("Earshot's own limits see each client's address through nginx", async () => {
    const json = { "content-type": "application/json" };
    const logins: Reply[] = [];
    // Unknown accounts, so that only the per-address limit can answer 429.
    for (let i = 0; i < 8; i++)
      logins.push(
        await send(`${https}/api/v1/auth/login`, {
          method: "POST",
          ca: cert.certPem,
          localAddress: "127.0.0.4",
          headers: json,
          body: JSON.stringify({ email: `nobody${i}@demo.test`, password: "wrong-password" }),
        }),
      );
    assert.equal(logins[0].status, 401, "the first attempts reach Earshot");
    const limited = logins.find((r) => r.status === 429);
    assert.ok(limited, `the address is limited: ${logins.map((r) => r.status).join(" ")}`);
    assert.equal(JSON.parse(limited.body).error.code, "rate_limited");
    assert.ok(Number(limited.headers["retry-after"]) > 0, `Retry-After: ${limited.headers["retry-after"]}`);
    assert.match(String(limited.headers["content-type"]), /application\/json/);
    // Another address is not affected.
    const other = await send(`${https}/api/v1/auth/login`, {
      method: "POST",
      ca: cert.certPem,
      headers: json,
      body: JSON.stringify({ email: "sofia@demo.test", password: "demo1234" }),
    });
    assert.equal(other.status, 200);
  });

  it("Earshot logs the address nginx saw, never an X-Forwarded-For the client wrote", async () => {
    // The client comes from 127.0.0.2 and claims 203.0.113.7; nginx itself connects from 127.0.0.1.
    const r = await send(`${https}/api/v1/health`, {
      ca: cert.certPem,
      localAddress: "127.0.0.2",
      headers: { "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "http" },
    });
    assert.equal(r.status, 200);
    // X-Forwarded-Proto is nginx's too: the client's "http" does not remove HSTS.
    assert.equal(r.headers["strict-transport-security"], "max-age=31536000");
    const ipOf = () =>
      earshotOut
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { req?: { url: string; ip: string } })
        .filter((e) => e.req?.url === "/api/v1/health")
        .map((e) => e.req?.ip);
    await waitFor("the request in Earshot's log", () => ipOf().includes("127.0.0.2"), 5000);
    assert.ok(!earshotOut.includes("203.0.113.7"), "the client's own X-Forwarded-For is not believed");
  });
});

describe("deploy/earshot.service and deploy/earshot.env.example", () => {
  it("the unit parses (systemd-analyze verify) and runs the entry point of npm start", () => {
    const [command, ...args] = unitExecStart();
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    assert.equal(`node ${args.join(" ")}`, pkg.scripts.start, "ExecStart runs what `npm start` runs");
    assert.ok(existsSync(join(root, args.at(-1) ?? "")), "the entry point exists in the checkout");
    assert.match(command, /^\/usr\/bin\/node$/, "ExecStart names an absolute node");
    const analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find((p) => existsSync(p));
    if (!analyze) {
      // Without systemd's tools: at least the command is an executable here.
      assert.ok(existsSync(command) || existsSync(process.execPath), `${command} exists`);
      return;
    }
    const r = spawnSync(analyze, ["verify", join(root, "deploy/earshot.service")], { encoding: "utf8" });
    // verify exits 0 on unknown keys and bad values, only saying so: any line about the unit fails.
    const complaints = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.includes("earshot.service"));
    assert.deepEqual(complaints, [], `systemd-analyze verify:\n${r.stdout}${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
  });

  it("every variable the configuration reads is in the env example and the README (SIP_TRUNK_* in docs/SIP.md)", () => {
    // src/config.ts and the abuse limits' settings, the two readers of the environment.
    const source = read("src/config.ts") + read("src/api/limits/settings.ts");
    const names = new Set<string>();
    for (const re of [
      /\benv\.([A-Z][A-Z0-9_]*)/g, // env.DATABASE_URL
      /\benv\[\s*"([A-Z][A-Z0-9_]*)"\s*\]/g, // env["X"]
      /\(\s*env\s*,\s*"([A-Z][A-Z0-9_]*)"/g, // int(env, "PORT", …)
    ])
      for (const m of source.matchAll(re)) names.add(m[1]);
    for (const m of source.matchAll(/const\s*\{([^}]*)\}\s*=\s*env\b/g))
      for (const n of m[1].matchAll(/([A-Z][A-Z0-9_]*)\s*:/g)) names.add(n[1]);
    // The reader above must keep finding what is known to be there.
    for (const known of [
      "PORT",
      "HOST",
      "DATABASE_URL",
      "EARSHOT_TLS_KEY",
      "EARSHOT_TURN_TTL_S",
      "SIP_TRUNK_RTP_PORTS",
    ])
      assert.ok(names.has(known), `found ${known} in src/config.ts`);

    const example = read("deploy/earshot.env.example");
    const inExample = (n: string) => new RegExp(`^#?\\s*${n}=`, "m").test(example);
    assert.deepEqual(
      [...names].filter((n) => !inExample(n)),
      [],
      "variables missing from deploy/earshot.env.example",
    );
    const readmeTable = read("README.md")
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .join("\n");
    const sipTable = read("docs/SIP.md")
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .join("\n");
    const documented = (n: string) =>
      readmeTable.includes(`\`${n}\``) ||
      (n.startsWith("SIP_TRUNK_") && readmeTable.includes("`SIP_TRUNK_*`") && sipTable.includes(`\`${n}\``));
    assert.deepEqual(
      [...names].filter((n) => !documented(n)),
      [],
      "variables missing from README.md's configuration table",
    );
    // The deployment files name no variable that config.ts does not read.
    for (const file of [
      "docs/DEPLOY.md",
      "deploy/earshot.service",
      "deploy/nginx.conf",
      "deploy/turnserver.conf",
    ]) {
      const named = [
        ...read(file).matchAll(
          /\b((?:EARSHOT|SIP_TRUNK)_[A-Z0-9_]*[A-Z0-9]|DATABASE_URL|REDIS_URL|LOG_LEVEL)\b/g,
        ),
      ];
      assert.deepEqual(
        [...new Set(named.map((m) => m[1]).filter((n) => !names.has(n)))],
        [],
        `${file} names variables src/config.ts does not read`,
      );
    }
    // And the example names nothing that config.ts does not read.
    const extra = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)]
      .map((m) => m[1])
      .filter((n) => !names.has(n));
    assert.deepEqual(extra, [], "deploy/earshot.env.example names variables src/config.ts does not read");
  });
});
