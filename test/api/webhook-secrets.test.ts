// Webhook secrets are encrypted at rest (SPEC §7) on a real PostgreSQL, read back with a
// plain client: the row never holds the secret shown at creation, and deliveries still verify
// with it. A database from before (plaintext secrets) is sealed by a migration once
// EARSHOT_SECRET is set, and start-up says clearly that it is needed.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { demoOrg, startApp, type TestServer } from "../support/server.ts";
import { type RunningPostgres, startPostgres } from "../support/services.ts";

const ENV = { EARSHOT_SECRET: "at-rest-test-secret", EARSHOT_WEBHOOK_ALLOW_PRIVATE: "1" };

describe("webhook secrets at rest", { timeout: 120_000 }, () => {
  let postgres: RunningPostgres;
  let databaseUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(204).end();
    });
  });
  let hookUrl: string;

  before(async () => {
    postgres = await startPostgres(); // fails with what to install when PostgreSQL is missing
    databaseUrl = await postgres.createDatabase("webhook_secrets");
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    receiver.close();
    await postgres?.stop();
  });

  async function query<T>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async function deliveredWith(server: TestServer, secret: string): Promise<void> {
    const org = await demoOrg(server.url);
    const before = received.length;
    await org.admin.post("/demo/calls", { numberId: org.support });
    for (let i = 0; i < 100 && received.length === before; i++) await new Promise((r) => setTimeout(r, 50));
    const d = received.at(-1);
    assert.ok(d && received.length > before, "a delivery arrived");
    const expected = `sha256=${createHmac("sha256", secret).update(`${d.headers["x-earshot-timestamp"]}.${d.body}`).digest("hex")}`;
    assert.equal(d.headers["x-earshot-signature"], expected, "signed with the secret shown at creation");
  }

  it("stores the secret sealed, and deliveries verify with the one shown at creation", async () => {
    const server = await startApp({ databaseUrl, env: ENV });
    try {
      const org = await demoOrg(server.url);
      const r = await org.admin.post<{ webhook: { id: string; secret: string } }>("/webhooks", {
        url: hookUrl,
        events: ["call.started"],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const { id, secret } = r.body.webhook;
      const [row] = await query<{ secret: string }>("SELECT secret FROM webhooks WHERE id = $1", [id]);
      assert.ok(!row.secret.includes(secret), "the row does not hold the secret");
      assert.match(row.secret, /^enc:v1:[A-Za-z0-9_-]{40,}$/);
      await deliveredWith(server, secret);
    } finally {
      await server.close();
    }
  });

  it("seals plaintext secrets from before, and will not start without EARSHOT_SECRET once webhooks exist", async () => {
    // The database as an older Earshot left it: a plaintext secret, the sealing migration not run.
    await query("UPDATE webhooks SET secret = 'legacy-plaintext-secret'");
    // (Migrations run in name order, so the later ones are undone too — a new migration adds
    // its undo here: 006's set-up tokens, 007's live board, 008's queues, 009's transfers, 010's history,
    // 011's offline_since, 012's board sums.)
    await query("DELETE FROM kysely_migration WHERE name >= '005'");
    await query("DROP TABLE setup_tokens");
    await query("DROP INDEX auth_tokens_user");
    await query("DROP INDEX auth_tokens_expires");
    await query("DROP INDEX calls_org_created");
    await query("DROP INDEX calls_agent_ended");
    await query("DROP TABLE user_presence");
    await query(
      "ALTER TABLE users DROP COLUMN agent_state, DROP COLUMN agent_state_since, DROP COLUMN idle_since",
    );
    await query("ALTER TABLE calls DROP COLUMN queued_at");
    await query("DROP INDEX calls_transfer_ringing");
    await query(
      "ALTER TABLE calls DROP COLUMN transfer_from_id, DROP COLUMN transfer_to_id, DROP COLUMN transfer_state, DROP COLUMN transfer_at, DROP COLUMN transfer_was_on_hold",
    );
    await query("ALTER TABLE numbers DROP COLUMN max_wait_s");
    await query("DROP TABLE coaching_notes");
    await query("DROP INDEX calls_history_agent, calls_history_contact, calls_history_number");
    await query("ALTER TABLE users DROP COLUMN offline_since");
    await query("DROP INDEX calls_org_ended");
    await query("ALTER TABLE calls DROP COLUMN earlier_wait_ms");
    await assert.rejects(
      startApp({ databaseUrl, env: { EARSHOT_WEBHOOK_ALLOW_PRIVATE: "1" } }),
      /webhook\(s\) are registered and EARSHOT_SECRET is not set/,
    );
    const server = await startApp({ databaseUrl, env: ENV });
    try {
      const [row] = await query<{ secret: string }>("SELECT secret FROM webhooks");
      assert.match(row.secret, /^enc:v1:/, "sealed by the migration");
      await deliveredWith(server, "legacy-plaintext-secret");
    } finally {
      await server.close();
    }
    // Sealed secrets exist now: still no start without the key.
    await assert.rejects(
      startApp({ databaseUrl, env: { EARSHOT_WEBHOOK_ALLOW_PRIVATE: "1" } }),
      /EARSHOT_SECRET is not set/,
    );
  });
});
