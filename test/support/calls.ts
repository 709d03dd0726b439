// Test helpers that drive calls through the public API, as users would.
import assert from "node:assert/strict";
import type { Call, CoachingMode, CoachingSession, WidgetCall } from "../../src/protocol/resources.ts";
import type { Client, Fetcher, TestServer } from "./server.ts";

/** The demo caller calls `numberId` and `agent` answers: a live inbound call. */
export async function liveCall(caller: Client, agent: Client, numberId: string): Promise<Call> {
  const created = await caller.post<{ call: Call }>("/demo/calls", { numberId });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const answered = await agent.post<{ call: Call }>(`/calls/${created.body.call.id}/answer`);
  assert.equal(answered.status, 200, JSON.stringify(answered.body));
  assert.equal(answered.body.call.state, "in_progress");
  return answered.body.call;
}

export async function startCoaching(
  coach: Client,
  callId: string,
  body: { notifyUser?: boolean; openConversation?: boolean; mode?: CoachingMode } = {},
): Promise<CoachingSession> {
  const r = await coach.post<{ session: CoachingSession }>(`/calls/${callId}/coaching`, body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.session;
}

export function assertRefused(
  r: { status: number; body: { error?: { code: string; message: string } } },
  code: string,
) {
  assert.ok(r.body.error, `expected refusal ${code}, got ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.body.error.code, code);
  assert.ok(r.status === 403 || r.status === 409, `status ${r.status} for ${code}`);
  assert.ok(r.body.error.message.length > 10, "a human sentence comes with the code");
}

export async function getCall(client: Client, id: string): Promise<Call> {
  const r = await client.get<{ call: Call }>(`/calls/${id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.call;
}

/** A web-widget customer calls `numberId` (public API): the call and its call token. */
export async function widgetCall(
  url: string,
  numberId: string,
  fetcher: Fetcher = fetch,
): Promise<{ call: WidgetCall; callToken: string }> {
  const res = await fetcher(`${url}/api/v1/widget/calls`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ numberId }),
  });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text) as { call: WidgetCall; callToken: string };
}

/**
 * `client`'s softphone is open: one socket counted on this node, as the WebSocket hub counts
 * it on connect (user_presence), so a transfer can ring them (startApp opens no socket).
 */
export async function signedIn(server: TestServer, client: Client): Promise<void> {
  const { ctx, directory } = server.earshot.services;
  const user = client.user && (await ctx.store.getUser(client.user.id));
  assert.ok(user, "a signed-in client");
  await directory.socketChanged(user, 1);
}
