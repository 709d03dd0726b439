// Earshot reachable from other machines (issue 12): HTTPS and WSS with the operator's
// certificate, HSTS, a trusted proxy's client address and scheme, ICE servers with TURN REST
// credentials minted per user or per widget call, and the configuration's clear refusals.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { request } from "node:https";
import { describe, it } from "node:test";
import { WebSocket } from "ws";
import { loadConfig } from "../../src/config.ts";
import { makeTestCert } from "../support/certs.ts";
import { Client, demoOrg, startServer } from "../support/server.ts";

const entry = new URL("../../src/server.ts", import.meta.url).pathname;
const cert = makeTestCert({ ips: ["127.0.0.1"], dns: ["localhost"] });
const TURN = {
  EARSHOT_STUN_URLS: "stun:turn.example.test:3478",
  EARSHOT_TURN_URLS: "turn:turn.example.test:3478?transport=udp,turns:turn.example.test:5349?transport=tcp",
  EARSHOT_TURN_SECRET: "s3cret-of-coturn",
  EARSHOT_TURN_TTL_S: "600",
};

function httpsGet(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { ca: cert.certPem, headers }, (res) => {
        let body = "";
        res.on("data", (c) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe("network configuration", () => {
  for (const [env, pattern] of [
    [{ EARSHOT_MEDIA_PORTS: "41000-40000" }, /EARSHOT_MEDIA_PORTS must be a UDP port range/],
    [{ EARSHOT_MEDIA_PORTS: "80-90" }, /EARSHOT_MEDIA_PORTS must be a UDP port range/],
    [{ EARSHOT_MEDIA_HOST: "media.example.com" }, /EARSHOT_MEDIA_HOST must be comma-separated IPv4/],
    [{ EARSHOT_MEDIA_HOST: "10.0.0.1,300.1.1.1" }, /EARSHOT_MEDIA_HOST must be comma-separated IPv4/],
    [{ EARSHOT_STUN_URLS: "http://stun.example.com" }, /EARSHOT_STUN_URLS must be comma-separated stun:/],
    [{ EARSHOT_TURN_URLS: "stun:x:3478", EARSHOT_TURN_SECRET: "s" }, /EARSHOT_TURN_URLS must be/],
    [{ EARSHOT_TURN_URLS: "turn:x:3478" }, /needs EARSHOT_TURN_SECRET/],
    [{ ...TURN, EARSHOT_TURN_TTL_S: "5" }, /EARSHOT_TURN_TTL_S must be an integer/],
    [{ EARSHOT_TLS_CERT: cert.certFile }, /must be set together/],
    [{ EARSHOT_TLS_CERT: "/nonexistent.pem", EARSHOT_TLS_KEY: cert.keyFile }, /cannot read.*ENOENT/],
    [{ EARSHOT_TLS_CERT: cert.keyFile, EARSHOT_TLS_KEY: cert.keyFile }, /not a PEM certificate/],
    [{ EARSHOT_TRUST_PROXY: "perhaps" }, /EARSHOT_TRUST_PROXY must be a number of proxy hops/],
  ] as const) {
    it(`refuses ${JSON.stringify(env)}`, () => {
      assert.throws(() => loadConfig(env), pattern);
    });
  }

  it("reads the media hosts, port range and ICE servers", () => {
    const c = loadConfig({
      ...TURN,
      EARSHOT_MEDIA_HOST: "203.0.113.10, 10.0.0.5",
      EARSHOT_MEDIA_PORTS: "40000-40999",
    });
    assert.deepEqual(c.mediaHosts, ["203.0.113.10", "10.0.0.5"]);
    assert.deepEqual(c.mediaPorts, [40000, 40999]);
    assert.equal(c.ice.turnUrls.length, 2);
    assert.equal(c.ice.turnTtlS, 600);
    assert.equal(loadConfig({}).mediaHosts, undefined);
    assert.equal(loadConfig({}).tls, null);
    assert.equal(loadConfig({ EARSHOT_TRUST_PROXY: "1" }).trustProxy, 1);
    assert.equal(loadConfig({ EARSHOT_TRUST_PROXY: "true" }).trustProxy, 1);
    assert.deepEqual(loadConfig({ EARSHOT_TRUST_PROXY: "10.0.0.0/8,127.0.0.1" }).trustProxy, [
      "10.0.0.0/8",
      "127.0.0.1",
    ]);
  });

  it("stops start-up with one line when the certificate cannot be read", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", entry], {
      env: { ...process.env, EARSHOT_TLS_CERT: "/nonexistent/cert.pem", EARSHOT_TLS_KEY: cert.keyFile },
      encoding: "utf8",
      timeout: 20_000,
    });
    assert.equal(r.status, 2);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /EARSHOT_TLS_CERT: cannot read "\/nonexistent\/cert.pem"/);
  });
});

describe("HTTPS, WSS and HSTS", () => {
  it("serves the app, the API and the WebSocket over TLS with Strict-Transport-Security", async () => {
    const server = await startServer({
      env: { EARSHOT_TLS_CERT: cert.certFile, EARSHOT_TLS_KEY: cert.keyFile },
    });
    try {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await httpsGet(`${server.url}/api/v1/health`);
      assert.equal(health.status, 200);
      assert.equal(JSON.parse(health.body).status, "ok");
      assert.equal(health.headers["strict-transport-security"], "max-age=31536000");
      const page = await httpsGet(`${server.url}/`);
      assert.equal(page.status, 200);
      assert.match(page.body, /<div id="root">|earshot/);
      const login = await new Promise<string>((resolve, reject) => {
        const req = request(
          `${server.url}/api/v1/auth/login`,
          { method: "POST", ca: cert.certPem, headers: { "content-type": "application/json" } },
          (res) => {
            let body = "";
            res.on("data", (c) => {
              body += c;
            });
            res.on("end", () => resolve(JSON.parse(body).token));
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify({ email: "ana@demo.test", password: "demo1234" }));
      });
      const ws = new WebSocket(`${server.url.replace("https", "wss")}/api/v1/ws?token=${login}`, {
        ca: cert.certPem,
      });
      const hello = await new Promise<{ type: string; user: { email: string } }>((resolve, reject) => {
        ws.once("message", (m) => resolve(JSON.parse(String(m))));
        ws.once("error", reject);
      });
      ws.close();
      assert.equal(hello.type, "hello");
      assert.equal(hello.user.email, "ana@demo.test");
    } finally {
      await server.close();
    }
  });

  it("behind a trusted proxy: HSTS for X-Forwarded-Proto https, the client's address in the log", async () => {
    const log: string[] = [];
    const server = await startServer({
      env: { EARSHOT_TRUST_PROXY: "1", LOG_LEVEL: "info" },
      logStream: { write: (line) => void log.push(line) },
    });
    try {
      const proxied = await fetch(`${server.url}/api/v1/health`, {
        headers: { "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https" },
      });
      assert.equal(proxied.headers.get("strict-transport-security"), "max-age=31536000");
      const plain = await fetch(`${server.url}/api/v1/health`);
      assert.equal(plain.headers.get("strict-transport-security"), null);
      // One proxy hop: the address the proxy appended counts, not one the client wrote before it.
      await fetch(`${server.url}/api/v1/health`, {
        headers: { "x-forwarded-for": "198.51.100.66, 203.0.113.8" },
      });
      const text = log.join("");
      assert.match(text, /"ip":"203\.0\.113\.7"/);
      assert.match(text, /"ip":"203\.0\.113\.8"/);
      assert.doesNotMatch(text, /198\.51\.100\.66/);
    } finally {
      await server.close();
    }
  });

  it("without a trusted proxy, forwarded headers are ignored", async () => {
    const server = await startServer();
    try {
      const r = await fetch(`${server.url}/api/v1/health`, { headers: { "x-forwarded-proto": "https" } });
      assert.equal(r.headers.get("strict-transport-security"), null);
    } finally {
      await server.close();
    }
  });
});

describe("GET /api/v1/ice-servers", () => {
  it("mints TURN REST credentials per user and per widget call, and 401 to anyone else", async () => {
    const server = await startServer({ env: TURN });
    try {
      const { ana, support } = await demoOrg(server.url);
      const anon = new Client(server.url, null, null);
      assert.equal((await anon.get("/ice-servers")).status, 401);
      assert.equal((await new Client(server.url, "not-a-token", null).get("/ice-servers")).status, 401);
      assert.equal(
        (await anon.request("GET", "/ice-servers", undefined, { "x-call-token": "forged" })).status,
        401,
      );

      type Servers = {
        iceServers: { urls: string[]; username?: string; credential?: string }[];
        expiresAt: string;
      };
      const before = Math.floor(Date.now() / 1000);
      const mine = await ana.get<Servers>("/ice-servers");
      assert.equal(mine.status, 200);
      assert.deepEqual(mine.body.iceServers[0], { urls: ["stun:turn.example.test:3478"] });
      const turn = mine.body.iceServers[1];
      assert.deepEqual(turn.urls, TURN.EARSHOT_TURN_URLS.split(","));
      const [expiry, id] = String(turn.username).split(":");
      assert.equal(id, ana.id);
      assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= before + 602, `expiry ${expiry}`);
      assert.equal(new Date(mine.body.expiresAt).getTime(), Number(expiry) * 1000);
      const expected = createHmac("sha1", TURN.EARSHOT_TURN_SECRET)
        .update(String(turn.username))
        .digest("base64");
      assert.equal(turn.credential, expected);

      const call = await anon.post<{ call: { id: string }; callToken: string }>("/widget/calls", {
        numberId: support,
      });
      const widget = await anon.request<Servers>("GET", "/ice-servers", undefined, {
        "x-call-token": call.body.callToken,
      });
      assert.equal(widget.status, 200);
      assert.equal(String(widget.body.iceServers[1].username).split(":")[1], call.body.call.id);

      const config = JSON.stringify((await anon.get("/config")).body);
      assert.doesNotMatch(config, /credential|username|s3cret|turn:/);
      const openapi = JSON.stringify((await anon.get("/openapi.json")).body);
      assert.doesNotMatch(openapi, /s3cret/);
    } finally {
      await server.close();
    }
  });

  it("without TURN configured returns no servers and no expiry", async () => {
    const server = await startServer();
    try {
      const { ana } = await demoOrg(server.url);
      const r = await ana.get("/ice-servers");
      assert.deepEqual(r.body, { iceServers: [], expiresAt: null });
    } finally {
      await server.close();
    }
  });
});
