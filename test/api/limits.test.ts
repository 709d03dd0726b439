// Abuse limits through the real HTTP API (SPEC §7, issue 13): sign-in per client address and
// per account with a delay that ends, widget calls per client address and per number, and the
// cap on a number's ringing calls. Client addresses come from X-Forwarded-For (a trusted proxy).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { Client, demoOrg, startApp, type TestServer } from "../support/server.ts";

const from = (ip: string) => ({ "x-forwarded-for": ip });

async function login(server: TestServer, email: string, password: string, ip: string) {
  const res = await server.fetch(`${server.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...from(ip) },
    body: JSON.stringify({ email, password }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    body: (await res.json()) as { token?: string; error?: { code: string; message: string } },
  };
}

function assertRateLimited(r: {
  status: number;
  retryAfter: string | null;
  body: { error?: { code: string } };
}) {
  assert.equal(r.status, 429, JSON.stringify(r.body));
  assert.equal(r.body.error?.code, "rate_limited");
  assert.ok(Number(r.retryAfter) >= 1, `Retry-After: ${r.retryAfter}`);
}

describe("sign-in limits", () => {
  let server: TestServer;
  before(async () => {
    server = await startApp({
      env: {
        EARSHOT_TRUST_PROXY: "1",
        EARSHOT_LOGIN_IP_MAX: "5",
        EARSHOT_LOGIN_ACCOUNT_MAX: "3",
        EARSHOT_LOGIN_WINDOW_S: "2",
      },
    });
  });
  after(() => server?.close());

  it("a whole office signs in from one address: successes never count", async () => {
    for (let i = 0; i < 12; i++) {
      const r = await login(
        server,
        `${["ana", "luis", "sofia", "marco"][i % 4]}@demo.test`,
        "demo1234",
        "198.51.100.1",
      );
      assert.equal(r.status, 200, `sign-in ${i}: ${JSON.stringify(r.body)}`);
    }
  });

  it("per client address: after 5 failures that address is refused (429, Retry-After), even with the right password; others are not", async () => {
    for (let i = 0; i < 5; i++) {
      const r = await login(server, `nobody${i}@demo.test`, "guess", "203.0.113.7");
      assert.equal(r.status, 401, JSON.stringify(r.body));
    }
    assertRateLimited(await login(server, "ana@demo.test", "demo1234", "203.0.113.7"));
    assert.equal((await login(server, "ana@demo.test", "demo1234", "203.0.113.8")).status, 200);
  });

  it("per account: 3 failures from 3 addresses refuse the account anywhere until the window ends; then the victim signs in", async () => {
    for (let i = 0; i < 3; i++)
      assert.equal((await login(server, "luis@demo.test", "guess", `192.0.2.${10 + i}`)).status, 401);
    const refused = await login(server, "LUIS@demo.test", "demo1234", "192.0.2.99");
    assertRateLimited(refused);
    // Another account from the same address is not touched.
    assert.equal((await login(server, "marco@demo.test", "demo1234", "192.0.2.99")).status, 200);
    await new Promise((r) => setTimeout(r, Number(refused.retryAfter) * 1000 + 100));
    const back = await login(server, "luis@demo.test", "demo1234", "192.0.2.99");
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.ok(back.body.token);
  });

  it("the delay grows: failures that go on after the first window meet a longer one, at most four windows", async () => {
    // Long tier: 3 × 3 = 9 failures within 4 windows (8 s).
    let failures = 0;
    while (failures < 9) {
      const r = await login(server, "sofia@demo.test", "guess", `192.0.2.${100 + failures}`);
      if (r.status === 429) await new Promise((res) => setTimeout(res, Number(r.retryAfter) * 1000 + 50));
      else {
        assert.equal(r.status, 401);
        failures++;
      }
    }
    const refused = await login(server, "sofia@demo.test", "demo1234", "192.0.2.200");
    assertRateLimited(refused);
    assert.ok(
      Number(refused.retryAfter) > 2,
      `the long window is longer than one window: ${refused.retryAfter} s`,
    );
    assert.ok(Number(refused.retryAfter) <= 8, `and never longer than four: ${refused.retryAfter} s`);
  });
});

describe("widget call limits", () => {
  let server: TestServer;
  let support: string;
  before(async () => {
    server = await startApp({
      env: {
        EARSHOT_TRUST_PROXY: "1",
        EARSHOT_WIDGET_IP_MAX: "3",
        EARSHOT_WIDGET_NUMBER_MAX: "5",
        EARSHOT_MAX_RINGING_PER_NUMBER: "100",
      },
    });
    support = (await demoOrg(server.url)).support;
  });
  after(() => server?.close());

  const call = async (ip: string, numberId = support) => {
    const res = await server.fetch(`${server.url}/api/v1/widget/calls`, {
      method: "POST",
      headers: { "content-type": "application/json", ...from(ip) },
      body: JSON.stringify({ numberId }),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      body: (await res.json()) as { error?: { code: string } },
    };
  };

  it("a flood from one address is refused after 3 calls (429, Retry-After); the number's limit counts every address", async () => {
    for (let i = 0; i < 3; i++) assert.equal((await call("203.0.113.50")).status, 201);
    assertRateLimited(await call("203.0.113.50"));
    assert.equal((await call("203.0.113.51")).status, 201);
    assert.equal((await call("203.0.113.52")).status, 201);
    // Five calls reached Support: the sixth is refused whoever places it.
    assertRateLimited(await call("203.0.113.53"));
  });
});

describe("a number's ringing cap", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startApp({
      env: { EARSHOT_MAX_RINGING_PER_NUMBER: "3", EARSHOT_WIDGET_IP_MAX: "1000" },
    });
    org = await demoOrg(server.url);
  });
  after(() => server?.close());

  it("while 3 calls ring the next callers are refused with number_busy; a freed slot admits again", async () => {
    const anon = new Client(server.url, null, null);
    const placed = await Promise.all(
      Array.from({ length: 8 }, () =>
        anon.post<{ call: { id: string }; callToken: string }>("/widget/calls", { numberId: org.support }),
      ),
    );
    const ok = placed.filter((r) => r.status === 201);
    assert.equal(ok.length, 3, JSON.stringify(placed.map((r) => r.status)));
    for (const r of placed.filter((p) => p.status !== 201)) {
      assert.equal(r.status, 503);
      assert.equal(r.body.error?.code, "number_busy");
      assert.match(r.body.error?.message ?? "", /too many calls/);
    }
    // Sales is another number: its callers are not affected.
    assert.equal((await anon.post("/widget/calls", { numberId: org.sales })).status, 201);
    // One caller gives up: the next one rings.
    const first = ok[0].body;
    const hung = await anon.request(
      "POST",
      `/widget/calls/${first.call.id}/hangup`,
      {},
      {
        "x-call-token": first.callToken,
      },
    );
    assert.equal(hung.status, 200);
    assert.equal((await anon.post("/widget/calls", { numberId: org.support })).status, 201);
    assert.equal((await anon.post("/widget/calls", { numberId: org.support })).status, 503);
    // An agent answers one: it no longer rings, so another caller is admitted. (The head of the
    // queue rings everyone free, so the one ringing for ana is the one she answers.)
    const ringsAna = async () =>
      (
        await org.ana.get<{ calls: { id: string; ringingUserIds: string[] }[] }>("/calls?live=true")
      ).body.calls.find((c) => c.ringingUserIds.includes(org.ana.id));
    let ringing = await ringsAna();
    for (let i = 0; !ringing && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 20));
      ringing = await ringsAna();
    }
    assert.ok(ringing, "after the hang-up the next caller rings ana");
    assert.equal((await org.ana.post(`/calls/${ringing.id}/answer`)).status, 200);
    assert.equal((await anon.post("/widget/calls", { numberId: org.support })).status, 201);
  });
});

describe("limit settings", () => {
  it("default to values a busy contact centre does not reach, and refuse nonsense with one clear line", () => {
    const c = loadConfig({});
    assert.deepEqual(c.limits.login, { perIp: 100, perAccount: 10, windowMs: 900_000 });
    assert.equal(c.maxRingingPerNumber, 20);
    assert.deepEqual(c.widgetOrigins, []);
    for (const [name, value, says] of [
      ["EARSHOT_LOGIN_ACCOUNT_MAX", "0", /EARSHOT_LOGIN_ACCOUNT_MAX must be an integer/],
      ["EARSHOT_MAX_RINGING_PER_NUMBER", "lots", /EARSHOT_MAX_RINGING_PER_NUMBER/],
      ["EARSHOT_RATE_LIMITS", "maybe", /EARSHOT_RATE_LIMITS must be on or off/],
      ["EARSHOT_WIDGET_ORIGINS", "https://shop.example.com/page", /EARSHOT_WIDGET_ORIGINS must be/],
      ["EARSHOT_WIDGET_ORIGINS", "https://a.example; script-src *", /EARSHOT_WIDGET_ORIGINS must be/],
    ] as const) {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (e: Error) => e instanceof ConfigError && says.test(e.message),
        name,
      );
    }
  });
});
