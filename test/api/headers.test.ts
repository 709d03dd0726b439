// Security headers (SPEC §7, issue 13) on the API, the web app and the widget page: a
// Content-Security-Policy with no inline code and network only to this origin and its
// WebSocket, framing forbidden except the widget by the configured origins, nosniff, no
// referrer, and no HSTS over plain HTTP.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { startServer, type TestServer } from "../support/server.ts";

/** A CSP header as directive → sources. */
function csp(header: string | string[] | number | undefined): Map<string, string[]> {
  assert.equal(typeof header, "string", "a Content-Security-Policy header");
  return new Map(
    String(header)
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((p) => p[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe("security headers", () => {
  let server: TestServer;
  before(async () => {
    assert.ok(existsSync("web/dist/index.html"), "the web app is built (npm test builds it)");
    server = await startServer({
      env: { EARSHOT_WIDGET_ORIGINS: "https://shop.example.com, https://*.example.org" },
    });
  });
  after(() => server?.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    server.earshot.http.inject({ method: "GET", url, headers: { host: "pbx.example.net:3000", ...headers } });

  for (const [what, url] of [
    ["the API", "/api/v1/health"],
    ["an API error", "/api/v1/me"],
    ["the app", "/"],
    ["an app route", "/monitoring"],
    ["a script of the app", "/assets/"],
    ["the widget page", "/widget/some-number"],
  ] as const) {
    it(`${what}: CSP, nosniff, Referrer-Policy, no HSTS over HTTP`, async () => {
      let target: string = url;
      if (url === "/assets/") {
        const html = (await get("/")).body;
        target = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? "";
        assert.ok(target, "the app's index.html links a script");
      }
      const res = await get(target);
      assert.ok(res.statusCode < 500, `${res.statusCode}`);
      const policy = csp(res.headers["content-security-policy"]);
      assert.deepEqual(policy.get("default-src"), ["'self'"]);
      assert.deepEqual(policy.get("script-src"), ["'self'"], "no inline or eval'd scripts");
      assert.deepEqual(policy.get("style-src"), ["'self'"], "no inline styles");
      assert.deepEqual(policy.get("object-src"), ["'none'"]);
      assert.deepEqual(policy.get("connect-src"), [
        "'self'",
        "ws://pbx.example.net:3000",
        "wss://pbx.example.net:3000",
      ]);
      assert.ok(!policy.has("upgrade-insecure-requests"), "plain HTTP on a LAN keeps working");
      assert.ok(![...policy.values()].flat().some((s) => s.includes("unsafe")), "nothing unsafe-*");
      assert.equal(res.headers["x-content-type-options"], "nosniff");
      assert.equal(res.headers["referrer-policy"], "no-referrer");
      assert.equal(res.headers["strict-transport-security"], undefined);
    });
  }

  it("framing: 'none' for the app and the API, the configured origins for the widget page", async () => {
    for (const url of ["/", "/monitoring", "/api/v1/health", "/widgets"]) {
      const res = await get(url);
      assert.deepEqual(csp(res.headers["content-security-policy"]).get("frame-ancestors"), ["'none'"], url);
      assert.equal(res.headers["x-frame-options"], "DENY", url);
    }
    const widget = await get("/widget/some-number");
    assert.equal(widget.statusCode, 200);
    assert.match(widget.body, /<div id="root">/, "the widget page is the app's page");
    assert.deepEqual(csp(widget.headers["content-security-policy"]).get("frame-ancestors"), [
      "https://shop.example.com",
      "https://*.example.org",
    ]);
    assert.equal(widget.headers["x-frame-options"], undefined, "X-Frame-Options cannot name origins");
  });

  it("a Host header that is not a plain host adds nothing to the policy", async () => {
    const res = await get("/", { host: "evil.example; script-src *" });
    assert.deepEqual(csp(res.headers["content-security-policy"]).get("connect-src"), ["'self'"]);
    assert.deepEqual(csp(res.headers["content-security-policy"]).get("script-src"), ["'self'"]);
  });
});

describe("security headers with no widget origins configured", () => {
  it("the widget page may not be framed either", async () => {
    const server = await startServer();
    try {
      const res = await server.earshot.http.inject({ method: "GET", url: "/widget/x" });
      assert.deepEqual(csp(res.headers["content-security-policy"]).get("frame-ancestors"), ["'none'"]);
      assert.equal(res.headers["x-frame-options"], "DENY");
    } finally {
      await server.close();
    }
  });
});
