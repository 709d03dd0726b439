// Readiness and storage failures (issue 13): GET /api/v1/ready reports the database (and
// Redis when configured) with 200/503; a request while the database is gone answers 503
// storage_unavailable, not 500 internal; /health stays a liveness check. On a real
// PostgreSQL that is stopped mid-test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isStorageUnavailable } from "../../src/storage/unavailable.ts";
import { demoOrg, startApp, type TestServer } from "../support/server.ts";
import { startPostgres, startRedis } from "../support/services.ts";

const get = async (server: TestServer, path: string) => {
  const res = await server.fetch(`${server.url}/api/v1${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("readiness and storage failures", { timeout: 120_000 }, () => {
  it("the embedded database: ready, with no Redis check", async () => {
    const server = await startApp();
    try {
      const r = await get(server, "/ready");
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { status: "ready", checks: { database: "ok" } });
    } finally {
      await server.close();
    }
  });

  it("PostgreSQL and Redis: 200 while both answer; 503 and storage_unavailable once PostgreSQL stops", async () => {
    const postgres = await startPostgres(); // fails with what to install when PostgreSQL is missing
    const redis = await startRedis();
    const server = await startApp({
      databaseUrl: await postgres.createDatabase("ready"),
      redisUrl: redis.url,
    });
    let redisStopped = false;
    try {
      const org = await demoOrg(server.url);
      const ready = await get(server, "/ready");
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
      assert.deepEqual(ready.body, { status: "ready", checks: { database: "ok", redis: "ok" } });

      await postgres.stop();
      const down = await get(server, "/ready");
      assert.equal(down.status, 503);
      assert.deepEqual(down.body, { status: "unavailable", checks: { database: "fail", redis: "ok" } });
      const users = await org.admin.get("/users");
      assert.equal(users.status, 503, JSON.stringify(users.body));
      assert.equal(users.body.error?.code, "storage_unavailable");
      const write = await org.admin.post("/contacts", { name: "Nobody", phoneNumbers: ["+34600000000"] });
      assert.equal(write.body.error?.code, "storage_unavailable");
      assert.equal((await get(server, "/health")).status, 200, "liveness is not readiness");

      await redis.stop();
      redisStopped = true;
      const both = await get(server, "/ready");
      assert.equal(both.status, 503);
      assert.deepEqual(both.body.checks, { database: "fail", redis: "fail" });
    } finally {
      await server.close().catch((e: Error) => console.log("close after the backends stopped:", e.message));
      await postgres.stop();
      if (!redisStopped) await redis.stop();
    }
  });

  it("classifies disk full and lost connections as unavailable, and nothing else", () => {
    const pgError = (code: string) => Object.assign(new Error("x"), { code });
    for (const e of [
      pgError("53100"), // disk_full
      pgError("08006"), // connection_failure
      pgError("57P01"), // admin_shutdown
      pgError("58030"), // io_error
      pgError("ECONNREFUSED"),
      pgError("ENOSPC"),
      new Error("Connection terminated unexpectedly"),
      new Error("PGlite is closed"),
    ])
      assert.ok(isStorageUnavailable(e), `${(e as { code?: string }).code ?? e.message}`);
    for (const e of [pgError("23505"), pgError("42601"), pgError("22P02"), new Error("boom"), "not an error"])
      assert.ok(!isStorageUnavailable(e), String((e as { code?: string }).code ?? e));
  });
});
