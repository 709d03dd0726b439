// The customer's widget learns nothing about the organisation or about supervision (SPEC §7,
// issue 13): its socket and its REST answers carry the call's projection (WidgetCall) only,
// and a coach joining, switching and leaving changes nothing the widget's socket receives.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CoachingSession } from "../../src/protocol/resources.ts";
import { startCoaching, widgetCall } from "../support/calls.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

/** Keys that name the organisation's people, its routing or its supervision. */
const FORBIDDEN = [
  "orgId",
  "agentId",
  "ringingUserIds",
  "transferredTo",
  "transfer",
  "thirdParty",
  "handRaised",
  "agentMuted",
  "coachingSession",
  "coach",
  "contactId",
  "contactName",
  "customerNumber",
  "comments",
  "tags",
  "user",
];
// queuePosition: the customer's own place in the queue (nothing of agents or supervision).
const WIDGET_CALL_KEYS = ["id", "numberId", "queuePosition", "state"];

function assertProjection(where: string, value: unknown): void {
  const call = (value as { call?: Record<string, unknown> }).call;
  if (call) assert.deepEqual(Object.keys(call).sort(), WIDGET_CALL_KEYS, `${where}: ${JSON.stringify(call)}`);
  const found = (v: unknown, path: string): void => {
    if (v === null || typeof v !== "object") return;
    for (const [k, inner] of Object.entries(v)) {
      // hello's user is null for a widget: a user object would be the leak.
      if (FORBIDDEN.includes(k) && !(k === "user" && inner === null))
        assert.fail(`${where}: ${path}${k} leaked`);
      found(inner, `${path}${k}.`);
    }
  };
  found(value, "");
}

describe("the customer's widget", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
    await org.sofia.patch("/me", { availability: "unavailable" }); // she coaches, never rings
  });
  after(() => server.close());

  /**
   * A widget call answered by ana, with the same agent actions each time (raise hand, tag,
   * comment, mute, hold, resume, unmute, hang up) and, when `coached`, sofia joining, whispering,
   * barging, listening and leaving in between. Returns every message of the widget's socket, with
   * the call's id replaced.
   */
  async function widgetSees(coached: boolean): Promise<unknown[]> {
    const { call, callToken } = await widgetCall(server.url, org.support);
    assertProjection("POST /widget/calls", { call });
    const widget = await EventClient.connect(server.url, `callToken=${encodeURIComponent(callToken)}`);
    const ana = await EventClient.connect(server.url, `token=${org.ana.token}`);
    const step = async (r: Promise<{ status: number; body: unknown }>) => {
      const res = await r;
      assert.ok(res.status < 300, JSON.stringify(res.body));
    };
    await step(org.ana.post(`/calls/${call.id}/answer`));
    await step(org.ana.post(`/calls/${call.id}/hand`, { raised: true }));
    let session: CoachingSession | null = null;
    if (coached) {
      session = await startCoaching(org.sofia, call.id, { notifyUser: true });
      await step(org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "whisper" }));
      await step(org.sofia.post(`/coaching-sessions/${session.id}/messages`, { text: "ask for the order" }));
    }
    await step(org.ana.post(`/calls/${call.id}/tags`, { tag: "billing" }));
    await step(org.ana.post(`/calls/${call.id}/comments`, { text: "wants a refund" }));
    if (session) await step(org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "barge" }));
    await step(org.ana.post(`/calls/${call.id}/mute`));
    await step(org.ana.post(`/calls/${call.id}/hold`));
    if (session) await step(org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "listen" }));
    await step(org.ana.post(`/calls/${call.id}/resume`));
    await step(org.ana.post(`/calls/${call.id}/unmute`));
    if (session) await step(org.sofia.delete(`/coaching-sessions/${session.id}`));
    const rest = await fetch(`${server.url}/api/v1/widget/calls/${call.id}`, {
      headers: { "x-call-token": callToken },
    });
    assertProjection("GET /widget/calls/:id", await rest.json());
    await step(org.ana.post(`/calls/${call.id}/hangup`));
    // Everything the agent was told has been told to the widget's socket too, if it ever will be.
    await ana.next((e) => e.type === "call.ended" && e.call.id === call.id);
    await widget.next((e) => e.type === "call.ended");
    await new Promise((r) => setTimeout(r, 200));
    widget.close();
    ana.close();
    for (const m of widget.events) assertProjection("widget socket", m);
    return JSON.parse(JSON.stringify(widget.events).replaceAll(call.id, "<call>"));
  }

  it("receives the same messages whether or not a coach joins, switches and leaves, and nothing forbidden", async () => {
    const plain = await widgetSees(false);
    const coached = await widgetSees(true);
    assert.deepEqual(coached, plain);
    // Only the call's own changes: hello, connected, on hold, connected again, ended.
    assert.deepEqual(
      plain.map((m) => {
        const x = m as { type: string; call?: { state: string } };
        return x.call ? `${x.type}:${x.call.state}` : x.type;
      }),
      [
        "hello",
        "call.updated:in_progress",
        "call.updated:on_hold",
        "call.updated:in_progress",
        "call.ended:ended",
      ],
    );
  });
});
