// The abuse limits hold across nodes (issue 13): two Earshot nodes on one PostgreSQL and one
// Redis count sign-in failures and widget calls together (the rate limiter's Redis store), and
// a number's ringing cap holds when callers reach both nodes at the same instant (the count
// runs under the number's row lock in PostgreSQL).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, demoOrg, startApp, type TestServer } from "../support/server.ts";
import { type Backends, requireBackends, startBackends } from "../support/services.ts";

describe("limits across two nodes (PostgreSQL + Redis)", { timeout: 120_000 }, () => {
  let backends: Backends;
  let a: TestServer;
  let b: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;

  before(async () => {
    requireBackends();
    backends = await startBackends();
    const databaseUrl = await backends.database("limits_cluster");
    const node = () =>
      startApp({
        databaseUrl,
        redisUrl: backends.redisUrl,
        env: {
          EARSHOT_SECRET: "shared",
          EARSHOT_TRUST_PROXY: "1",
          EARSHOT_LOGIN_ACCOUNT_MAX: "4",
          EARSHOT_WIDGET_IP_MAX: "4",
          EARSHOT_WIDGET_NUMBER_MAX: "1000",
          EARSHOT_MAX_RINGING_PER_NUMBER: "5",
        },
      });
    a = await node();
    b = await node();
    org = await demoOrg(a.url);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await backends?.stop();
  });

  const post = async (node: TestServer, path: string, body: unknown, ip: string) => {
    const res = await node.fetch(`${node.url}/api/v1${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      body: (await res.json()) as {
        error?: { code: string };
        call?: { id: string };
        callToken?: string;
      },
    };
  };

  it("sign-in failures on either node count for the account on both", async () => {
    for (let i = 0; i < 4; i++) {
      const node = i % 2 === 0 ? a : b;
      const r = await post(
        node,
        "/auth/login",
        { email: "marco@demo.test", password: "guess" },
        `10.1.0.${i}`,
      );
      assert.equal(r.status, 401);
    }
    for (const node of [a, b]) {
      const r = await post(
        node,
        "/auth/login",
        { email: "marco@demo.test", password: "demo1234" },
        "10.1.0.9",
      );
      assert.equal(r.status, 429, JSON.stringify(r.body));
      assert.equal(r.body.error?.code, "rate_limited");
      assert.ok(Number(r.retryAfter) >= 1);
    }
  });

  it("widget calls from one address count on both nodes", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await post(i % 2 ? b : a, "/widget/calls", { numberId: org.sales }, "10.2.0.1")).status);
    assert.deepEqual(statuses, [201, 201, 201, 201, 429]);
  });

  it("callers reaching both nodes at once: exactly 5 ring, the rest are number_busy; a freed slot admits again", async () => {
    const placed = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        post(i % 2 ? b : a, "/widget/calls", { numberId: org.support }, `10.3.0.${i}`),
      ),
    );
    const ok = placed.filter((r) => r.status === 201);
    assert.equal(ok.length, 5, JSON.stringify(placed.map((r) => r.status)));
    for (const r of placed.filter((p) => p.status !== 201)) assert.equal(r.body.error?.code, "number_busy");
    const first = ok[0].body;
    const anon = new Client(b.url, null, null);
    await anon.request(
      "POST",
      `/widget/calls/${first.call?.id}/hangup`,
      {},
      {
        "x-call-token": first.callToken as string,
      },
    );
    assert.equal((await post(a, "/widget/calls", { numberId: org.support }, "10.3.1.1")).status, 201);
    assert.equal((await post(b, "/widget/calls", { numberId: org.support }, "10.3.1.2")).status, 503);
  });
});
