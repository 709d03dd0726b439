// The shipped deployment files work (issue 12): Debian's nginx runs deploy/nginx.conf itself in
// front of a real Earshot started as deploy/earshot.service starts it, all on loopback
// (support/deploy.ts starts both).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { type NginxFront, type Reply, send, startNginxFront, waitFor } from "../support/deploy.ts";

describe("deploy/nginx.conf in front of Earshot", () => {
  let front: NginxFront;
  let cert: NginxFront["cert"];
  let https = "";
  let http = "";

  before(async () => {
    front = await startNginxFront();
    ({ cert, https, http } = front);
  });
  after(() => front?.close());

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
      () => readFileSync(join(front.dir, "access.log"), "utf8").includes("/api/v1/ws"),
      5000,
    );
    const access = readFileSync(join(front.dir, "access.log"), "utf8");
    assert.match(access, /"GET \/api\/v1\/ws HTTP\/1\.1" 101 /);
    assert.ok(!access.includes(token), "nginx's access log never holds the session token");
    assert.ok(!front.earshotOut().includes(token), "Earshot's log never holds the session token");
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
      front
        .earshotOut()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { req?: { url: string; ip: string } })
        .filter((e) => e.req?.url === "/api/v1/health")
        .map((e) => e.req?.ip);
    await waitFor("the request in Earshot's log", () => ipOf().includes("127.0.0.2"), 5000);
    assert.ok(
      !front.earshotOut().includes("203.0.113.7"),
      "the client's own X-Forwarded-For is not believed",
    );
  });
});
