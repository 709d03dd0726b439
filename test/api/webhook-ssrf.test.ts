// Webhooks never reach loopback, private or link-local addresses (SPEC §7): refused at
// registration, and again at delivery against the address actually connected to (a name
// that resolved to a public address at registration and to loopback later); redirects are
// never followed; credentials in URLs are refused; no EARSHOT_SECRET, no webhook.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { systemResolver } from "../../src/webhooks/targets.ts";
import { demoOrg, startApp, type TestServer } from "../support/server.ts";

const PUBLIC = "93.184.216.34";

/** A DNS of our own (no outside DNS is reachable): names in `zone`, the system's for the rest. */
const zone = new Map<string, string[]>();
const resolver = async (host: string) => zone.get(host) ?? systemResolver(host);

/** A loopback HTTP receiver that records what reaches it. */
async function receiver(answer: (res: import("node:http").ServerResponse) => void) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      hits.push(req.url ?? "");
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { hits, port: (server.address() as AddressInfo).port, close: () => server.close() };
}

async function until<T>(f: () => Promise<T | undefined>, what: string, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Org = Awaited<ReturnType<typeof demoOrg>>;
const lastStatus = async (org: Org, id: string) =>
  (
    await org.admin.get<{ webhooks: { id: string; lastStatus: string | null }[] }>("/webhooks")
  ).body.webhooks.find((w) => w.id === id)?.lastStatus ?? undefined;

describe("webhook targets: the SSRF guard", () => {
  let server: TestServer;
  let org: Org;
  before(async () => {
    server = await startApp({
      webhookResolver: resolver,
      webhookRetryDelaysMs: [],
      env: { EARSHOT_SECRET: "ssrf-test-secret" },
    });
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  const register = (url: string, events = ["call.started"]) =>
    org.admin.post<{ webhook: { id: string; secret: string } }>("/webhooks", { url, events });

  it("refuses every non-public address class at registration", async () => {
    zone.set("internal.example", ["10.0.0.5"]);
    zone.set("split.example", [PUBLIC, "192.168.1.10"]);
    const refused = [
      "http://127.0.0.1:8080/hook", // loopback
      "http://127.9.9.9/", // loopback /8
      "http://2130706433/", // 127.0.0.1 as a number
      "http://0x7f.1/", // 127.0.0.1 in hex shorthand
      "http://10.1.2.3/", // RFC 1918
      "http://172.16.0.1/",
      "http://192.168.1.1/",
      "http://169.254.169.254/latest/meta-data/", // link-local: the cloud metadata address
      "http://100.64.0.1/", // CGNAT
      "http://0.0.0.0/", // unspecified
      "http://224.0.0.1/", // multicast
      "http://[::1]/", // IPv6 loopback
      "http://[::]/", // IPv6 unspecified
      "http://[fe80::1]/", // IPv6 link-local
      "http://[fc00::1]/", // unique-local
      "http://[fd12:3456::1]/",
      "http://[ff02::1]/", // IPv6 multicast
      "http://[::ffff:127.0.0.1]/", // IPv4-mapped loopback
      "http://[::ffff:10.0.0.1]/", // IPv4-mapped private
      "http://[::ffff:169.254.169.254]/", // IPv4-mapped metadata
      "http://localhost:3000/", // a name the system resolves to loopback (/etc/hosts)
      "https://internal.example/hook", // a name that resolves to a private address
      "https://split.example/hook", // one private address among public ones is enough
    ];
    for (const url of refused) {
      const r = await register(url);
      assert.equal(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error?.code, "webhook_url_refused", url);
    }
    const unresolvable = await register("https://nowhere.invalid/hook");
    assert.equal(unresolvable.body.error?.code, "webhook_url_refused");
    assert.match(unresolvable.body.error?.message ?? "", /does not resolve/);
  });

  it("refuses credentials in the URL and schemes other than http(s)", async () => {
    zone.set("public.example", [PUBLIC]);
    for (const url of [
      "https://user:pass@public.example/hook",
      "https://user@public.example/",
      "ftp://public.example/",
    ]) {
      const r = await register(url);
      assert.equal(r.status, 400, url);
      assert.equal(r.body.error?.code, "validation_failed", url);
    }
    const ok = await register("https://public.example/hook");
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal((await org.admin.delete(`/webhooks/${ok.body.webhook.id}`)).status, 204);
  });

  it("checks again at delivery: a name that now resolves to loopback is refused before any connection", async () => {
    const local = await receiver((res) => res.writeHead(204).end());
    try {
      zone.set("rebind.example", [PUBLIC]);
      const r = await register(`http://rebind.example:${local.port}/hook`);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      // The DNS answer changes after registration (DNS rebinding): loopback, where a receiver listens.
      zone.set("rebind.example", ["127.0.0.1"]);
      await org.admin.post("/demo/calls", { numberId: org.support });
      const status = await until(() => lastStatus(org, r.body.webhook.id), "a delivery attempt");
      assert.equal(status, "refused: private address");
      await new Promise((res) => setTimeout(res, 200));
      assert.deepEqual(local.hits, [], "nothing reached the loopback receiver");
      await org.admin.delete(`/webhooks/${r.body.webhook.id}`);
    } finally {
      local.close();
    }
  });
});

describe("webhook deliveries never follow redirects", () => {
  let server: TestServer;
  let org: Org;
  before(async () => {
    server = await startApp({
      webhookRetryDelaysMs: [50],
      env: { EARSHOT_SECRET: "redirect-test-secret", EARSHOT_WEBHOOK_ALLOW_PRIVATE: "1" },
    });
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  it("a 307 is a failed delivery; its Location receives nothing", async () => {
    const second = await receiver((res) => res.writeHead(204).end());
    const first = await receiver((res) =>
      res.writeHead(307, { location: `http://127.0.0.1:${second.port}/stolen` }).end(),
    );
    try {
      const r = await org.admin.post<{ webhook: { id: string } }>("/webhooks", {
        url: `http://127.0.0.1:${first.port}/hook`,
        events: ["call.started"],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await org.admin.post("/demo/calls", { numberId: org.support });
      await until(async () => (first.hits.length >= 2 ? true : undefined), "the attempt and its retry");
      await new Promise((res) => setTimeout(res, 200));
      assert.deepEqual(second.hits, [], "the redirect target never receives the body or signature");
      assert.equal(await lastStatus(org, r.body.webhook.id), "HTTP 307");
    } finally {
      first.close();
      second.close();
    }
  });
});

describe("webhooks need EARSHOT_SECRET", () => {
  it("refuses to register one without it, with a clear error", async () => {
    const server = await startApp({ env: { EARSHOT_WEBHOOK_ALLOW_PRIVATE: "1" } });
    try {
      const org = await demoOrg(server.url);
      const r = await org.admin.post("/webhooks", { url: "http://127.0.0.1:9/hook", events: ["call.ended"] });
      assert.equal(r.status, 409);
      assert.equal(r.body.error?.code, "server_secret_required");
      assert.match(r.body.error?.message ?? "", /EARSHOT_SECRET/);
    } finally {
      await server.close();
    }
  });
});
