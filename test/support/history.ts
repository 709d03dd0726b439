// The call history's test helpers (test/api/history.test.ts, coaching-notes.test.ts): calls
// made, answered and ended through the public API, and one page of the history.
import assert from "node:assert/strict";
import type { CallPage } from "../../src/control/CallHistory.ts";
import type { Call } from "../../src/protocol/resources.ts";
import type { Client } from "./server.ts";

/** The demo caller calls `numberId` from `from` (on `caller`'s request) and `agent` answers. */
export async function answered(caller: Client, agent: Client, numberId: string, from: string): Promise<Call> {
  const made = await caller.post<{ call: Call }>("/demo/calls", { numberId, from });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const r = await agent.post<{ call: Call }>(`/calls/${made.body.call.id}/answer`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.call;
}

export async function hangUp(agent: Client, id: string): Promise<void> {
  const r = await agent.post(`/calls/${id}/hangup`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

/** One page of `client`'s history (GET /calls`query`). */
export async function historyPage(client: Client, query: string): Promise<CallPage> {
  const r = await client.get<CallPage>(`/calls${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
