// The live lists and the refetch that races an event (web/app/src/shared/liveMerge.ts): the
// monitoring bench saw a refetch asked before a resume and answered after it put "On hold" back
// on a supervisor's row. An answer now settles with the events that arrived on its way.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { Call } from "../../src/protocol/resources.ts";
import { applyEvent, type Lists, settle } from "../../web/app/src/shared/liveMerge.ts";

const call = (over: Partial<Call>): Call => ({ id: "c1", state: "in_progress", ...over }) as Call;
const updated = (over: Partial<Call>): ServerMessage => ({ type: "call.updated", call: call(over) });
const lists = (calls: Call[]): Lists => ({ me: null, users: [], calls });

describe("the live lists", () => {
  it("a refetch answered after a resume it was asked before keeps the resume", () => {
    // Asked while on hold; the resume arrives; then the answer (read before the resume) lands.
    const answer = lists([call({ state: "on_hold", grants: { hold: "fresh" } as never })]);
    const shown = settle(answer, [updated({ state: "in_progress" })]);
    assert.equal(shown.calls[0].state, "in_progress", "not 'On hold' again");
    assert.deepEqual(
      shown.calls[0].grants,
      { hold: "fresh" },
      "the answer's grants stay (events carry none)",
    );
  });

  it("replays the events in order: the last one wins, an end removes the call", () => {
    const answer = lists([call({ state: "in_progress" })]);
    const since = [updated({ state: "on_hold" }), updated({ state: "in_progress" })];
    assert.equal(settle(answer, since).calls[0].state, "in_progress");
    const ended: ServerMessage = { type: "call.ended", call: call({ state: "ended" }) };
    assert.deepEqual(settle(answer, [...since, ended]).calls, []);
    // A call the answer does not have yet (it rang after the read) is added.
    assert.deepEqual(
      settle(lists([]), [updated({ id: "c2", state: "ringing" })]).calls.map((c) => c.id),
      ["c2"],
    );
  });

  it("with no event on the way the answer is shown as it is; an unrelated event changes nothing", () => {
    const answer = lists([call({})]);
    assert.equal(settle(answer, []), answer);
    assert.equal(applyEvent(answer, { type: "stats.updated" } as ServerMessage), answer);
  });
});
