// The typed REST client's contract: every route declares its 2xx body, serialising with those
// schemas drops nothing (fast-json-stringify would silently drop a property a schema does not
// name), and the web app's generated types (web/app/src/shared/api.gen.ts) are the document's.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { apiTypes, GENERATED } from "../../scripts/gen-api.ts";
import type { UserRecord } from "../../src/control/model.ts";
import { presentWidgetCall } from "../../src/control/presenter.ts";
import { startCoaching, widgetCall } from "../support/calls.ts";
import { Client, demoOrg, startServer, type TestServer } from "../support/server.ts";

/** What JSON makes of a value (Dates to strings, undefined gone): what the answer must equal. */
const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe("response schemas and the generated client", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startServer({
      env: { EARSHOT_SECRET: "test-secret", EARSHOT_WEBHOOK_ALLOW_PRIVATE: "1" },
    });
    org = await demoOrg(server.url);
  });
  after(() => server.close());

  const record = async (c: Client): Promise<UserRecord> =>
    (await server.earshot.services.ctx.store.getUser(c.user?.id as string)) as UserRecord;

  it("every operation declares its 2xx body (a schema, or 204)", async () => {
    type Op = { responses?: Record<string, unknown> };
    const doc = (
      await new Client(server.url, null, null).get<{ paths: Record<string, Record<string, Op>> }>(
        "/openapi.json",
      )
    ).body;
    const ops = Object.entries(doc.paths).flatMap(([path, o]) =>
      Object.entries(o).map(([method, op]) => [`${method} ${path}`, op] as const),
    );
    assert.ok(ops.length >= 40, `operations: ${ops.length}`);
    // The WebSocket upgrade answers with a socket, not a body.
    const undeclared = ops
      .filter(([name]) => name !== "get /api/v1/ws")
      .filter(
        ([, op]) =>
          !Object.entries(op.responses ?? {}).some(
            ([s, r]) => s === "204" || (/^2\d\d$/.test(s) && (r as { content?: unknown }).content),
          ),
      )
      .map(([name]) => name);
    assert.deepEqual(undeclared, []);
  });

  it("every resource comes out of its route as the service made it (no property dropped)", async () => {
    const { services } = server.earshot;
    const [sofia, admin] = [await record(org.sofia), await record(org.admin)];
    // A call with everything filled: contact, comments, tags, a raised hand, a coach with a message.
    const contact = await org.admin.post<{ contact: { id: string } }>("/contacts", {
      name: "Schema Customer",
      phoneNumbers: ["+34600999111"],
      company: "Acme",
      notes: "prefers mornings",
    });
    assert.equal(contact.status, 201);
    const created = await org.admin.post<{ call: { id: string } }>("/demo/calls", {
      numberId: org.support,
      from: "+34600999111",
    });
    const callId = created.body.call.id;
    await org.ana.post(`/calls/${callId}/answer`);
    await org.ana.post(`/calls/${callId}/tags`, { tag: "vip" });
    await org.ana.post(`/calls/${callId}/comments`, { text: "asked for a refund" });
    await org.ana.post(`/calls/${callId}/hand`, { raised: true });
    const session = await startCoaching(org.sofia, callId);
    await org.sofia.post(`/coaching-sessions/${session.id}/messages`, { text: "offer the upgrade" });
    await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "whisper" });

    const call = (await org.sofia.get<{ call: unknown }>(`/calls/${callId}`)).body.call;
    const made = await services.calls.get(sofia, callId);
    assert.ok(made.coachingSession?.hearing, "the sample has a coach");
    assert.ok(made.comments.length, "and a comment");
    assert.ok(made.grants, "and the viewer's grants");
    assert.ok(made.contactName, "and a contact");
    assert.deepEqual(call, json(made), "Call (with its session, hearing, grants, comments)");
    const list = (await org.sofia.get<{ calls: unknown[] }>("/calls?live=true")).body.calls;
    assert.deepEqual(list, json(await services.calls.list(sofia)), "the calls list");

    const sessions = async () => {
      const made = await services.coaching.list(sofia, { callId, limit: 100 });
      assert.equal(made[0]?.messages.length, 1, "the sample has a text whisper");
      assert.deepEqual(
        (await org.sofia.get<{ sessions: unknown[] }>(`/coaching-sessions?callId=${callId}`)).body.sessions,
        json(made),
        "CoachingSession",
      );
    };
    await sessions();
    await org.sofia.delete(`/coaching-sessions/${session.id}`);
    await sessions(); // ended: endedAt, endReason, durationMs set
    await org.ana.post(`/calls/${callId}/hangup`);
    const ended = (await org.ana.get<{ call: unknown }>(`/calls/${callId}`)).body.call;
    assert.deepEqual(ended, json(await services.calls.get(await record(org.ana), callId)), "an ended call");

    const me = (await org.sofia.get<{ user: unknown }>("/me")).body.user;
    assert.deepEqual(me, json(await services.directory.present(sofia)), "User");
    const users = (await org.admin.get<{ users: unknown[] }>("/users")).body.users;
    assert.deepEqual(users, json(await services.directory.listUsers(admin)), "the users");
    const numbers = (await org.admin.get<{ numbers: unknown[] }>("/numbers")).body.numbers;
    assert.deepEqual(numbers, json(await services.directory.numbers.list(admin)), "PhoneNumber");
    const contacts = (await org.admin.get<{ contacts: unknown[] }>("/contacts")).body.contacts;
    assert.deepEqual(contacts, json(await services.directory.contacts.list(admin)), "Contact");

    const hook = await org.admin.post<{ webhook: { secret: string } }>("/webhooks", {
      url: "http://127.0.0.1:9/hook",
      events: ["call.ended"],
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    assert.ok(hook.body.webhook.secret.length > 10, "the secret is in the creation's answer");
    const hooks = (await org.admin.get<{ webhooks: unknown[] }>("/webhooks")).body.webhooks;
    assert.deepEqual(hooks, json(await services.webhooks.list(admin)), "Webhook");

    const widget = await widgetCall(server.url, org.support);
    const stored = await services.ctx.store.getCall(widget.call.id);
    assert.ok(stored);
    assert.deepEqual(widget.call, json(presentWidgetCall(stored)), "WidgetCall");
    const config = (await new Client(server.url, null, null).get("/config")).body;
    assert.deepEqual(config, json(services.publicConfig), "the public configuration");
  });

  it("web/app/src/shared/api.gen.ts is what `npm run gen:api` makes now", async () => {
    // npm test and npm run typecheck write it first (scripts/ensure-api.mjs), so the web app's
    // type-check runs against this build's document; a stale file here means that step did not run.
    assert.equal(
      readFileSync(GENERATED, "utf8"),
      await apiTypes(),
      "stale: scripts/ensure-api.mjs did not rewrite it (run `npm run gen:api`)",
    );
  });
});
