// Webhooks (SPEC §5): admins register URLs; coaching and call events arrive as JSON
// POSTs signed with HMAC-SHA256; failures are retried with back-off.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { liveCall } from "../support/calls.ts";
import { demoOrg, startApp, type TestServer } from "../support/server.ts";

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

describe("webhooks", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  const received: Delivery[] = [];
  let failFirstStart = true;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      const type = JSON.parse(Buffer.concat(chunks).toString()).type;
      if (type === "coaching.started" && failFirstStart) {
        failFirstStart = false;
        res.writeHead(503).end();
      } else res.writeHead(204).end();
    });
  });
  let hookUrl: string;

  before(async () => {
    // The receiver is on loopback: allowed only because the operator says so.
    server = await startApp({
      webhookRetryDelaysMs: [50, 100],
      env: { EARSHOT_SECRET: "test-secret", EARSHOT_WEBHOOK_ALLOW_PRIVATE: "1" },
    });
    org = await demoOrg(server.url);
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    await server.close();
    receiver.close();
  });

  async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const x = find();
      if (x !== undefined) return x;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${what} never arrived`);
  }

  it("only admins register webhooks; bad URLs are refused", async () => {
    const body = { url: hookUrl, events: ["coaching.started"] };
    assert.equal((await org.sofia.post("/webhooks", body)).status, 403);
    assert.equal(
      (await org.admin.post("/webhooks", { url: "ftp://x/y", events: ["call.ended"] })).status,
      400,
    );
    assert.equal((await org.admin.post("/webhooks", { url: hookUrl, events: ["nope"] })).status, 400);
  });

  it("delivers signed events, and retries a failed delivery", async () => {
    const r = await org.admin.post<{ webhook: { id: string; secret: string } }>("/webhooks", {
      url: hookUrl,
      events: [
        "coaching.started",
        "coaching.mode_changed",
        "coaching.ended",
        "call.started",
        "call.ended",
        "hand.raised",
      ],
    });
    assert.equal(r.status, 201);
    const { secret } = r.body.webhook;
    assert.ok(secret.length >= 20);
    const listed = (await org.admin.get<{ webhooks: Record<string, unknown>[] }>("/webhooks")).body.webhooks;
    assert.ok(
      listed.every((w) => !("secret" in w)),
      "the secret is shown once, never listed",
    );

    const call = await liveCall(org.admin, org.ana, org.support);
    await org.ana.post(`/calls/${call.id}/hand`, { raised: true });
    // The receiver fails the first coaching.started delivery: it is retried.
    const s = await org.sofia.post<{ session: { id: string } }>(`/calls/${call.id}/coaching`, {});
    await org.sofia.patch(`/coaching-sessions/${s.body.session.id}`, { mode: "whisper" });
    await org.ana.post(`/calls/${call.id}/hangup`);

    const types = () => received.map((d) => JSON.parse(d.body).type as string);
    for (const t of [
      "call.started",
      "hand.raised",
      "coaching.mode_changed",
      "coaching.ended",
      "call.ended",
    ]) {
      await waitFor(() => (types().includes(t) ? true : undefined), t);
    }
    const started = await waitFor(() => {
      const all = received.filter((d) => JSON.parse(d.body).type === "coaching.started");
      return all.length >= 2 ? all : undefined;
    }, "coaching.started retry");
    assert.equal(started[0].headers["x-earshot-attempt"], "1");
    assert.equal(started[1].headers["x-earshot-attempt"], "2");
    for (const d of received) {
      const expected = `sha256=${createHmac("sha256", secret).update(`${d.headers["x-earshot-timestamp"]}.${d.body}`).digest("hex")}`;
      assert.equal(d.headers["x-earshot-signature"], expected);
    }
    const ended = received.map((d) => JSON.parse(d.body)).find((b) => b.type === "coaching.ended");
    assert.equal(ended.data.session.endReason, "call_ended");

    const hooks = (await org.admin.get<{ webhooks: { id: string; lastStatus: string }[] }>("/webhooks")).body
      .webhooks;
    assert.equal(hooks[0].lastStatus, "HTTP 204");
    assert.equal((await org.admin.delete(`/webhooks/${hooks[0].id}`)).status, 204);
    assert.equal((await org.admin.get<{ webhooks: unknown[] }>("/webhooks")).body.webhooks.length, 0);
  });
});
