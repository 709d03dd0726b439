// The live lists and the refetch that races an event (web/app/src/shared/liveMerge.ts): the
// monitoring bench saw a refetch asked before a resume and answered after it put "On hold" back
// on a supervisor's row. An answer now settles with the events that arrived on its way.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { Call } from "../../src/protocol/resources.ts";
import {
  applyEvent,
  keepSame,
  type Lists,
  needsRefetch,
  settle,
} from "../../web/app/src/shared/liveMerge.ts";

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
      "an event without grants (none known for the socket yet) keeps the answer's",
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

  it("an event replaces its call's object only; the others keep theirs", () => {
    const shown = lists([call({ id: "c1" }), call({ id: "c2" }), call({ id: "c3" })]);
    const next = applyEvent(shown, updated({ id: "c2", state: "on_hold" }));
    assert.equal(next.calls[0], shown.calls[0]);
    assert.notEqual(next.calls[1], shown.calls[1]);
    assert.equal(next.calls[1].state, "on_hold");
    assert.equal(next.calls[2], shown.calls[2]);
  });

  it("a refetch's answer keeps the shown objects of calls and users that did not change", () => {
    const user = { id: "u1", name: "Ana", grants: { monitor: { allowed: true } } } as never;
    const shown: Lists = {
      me: user,
      users: [user],
      calls: [call({ id: "c1" }), call({ id: "c2", tags: ["a"] })],
    };
    // The answer is new JSON: equal members, new objects; c2's grants changed.
    const answer: Lists = structuredClone(shown);
    answer.calls[1].grants = { hold: { allowed: false } } as never;
    const kept = keepSame(shown, answer);
    assert.equal(kept.me, shown.me);
    assert.equal(kept.users, shown.users, "no user changed: the same list");
    assert.equal(kept.calls[0], shown.calls[0]);
    assert.equal(kept.calls[1], answer.calls[1], "the changed call is the answer's");
    assert.notEqual(kept.calls, shown.calls);
    // Nothing changed at all: the very lists shown.
    const again = keepSame(kept, structuredClone(kept));
    assert.equal(again.calls, kept.calls);
    // A call gone or new is seen.
    assert.deepEqual(
      keepSame(shown, { ...shown, calls: [shown.calls[1]] }).calls.map((c) => c.id),
      ["c2"],
    );
  });

  it("an event's grants replace the shown ones; a whisper joins its session's history once", () => {
    const shown = lists([call({ grants: { hold: "old" } as never, coach: "old" as never })]);
    const next = applyEvent(shown, updated({ grants: { hold: "new" } as never, coach: "new" as never }));
    assert.deepEqual([next.calls[0].grants, next.calls[0].coach], [{ hold: "new" }, "new"]);
    const session = { id: "s1", messages: [] } as never;
    const coached = lists([call({ coachingSession: session })]);
    const whisper: ServerMessage = {
      type: "coaching.message",
      sessionId: "s1",
      callId: "c1",
      text: "hi",
      at: "t1",
    };
    const once = applyEvent(coached, whisper);
    assert.deepEqual(once.calls[0].coachingSession?.messages, [{ at: "t1", text: "hi" }]);
    assert.equal(applyEvent(once, whisper), once, "the same whisper again changes nothing");
    const other: ServerMessage = { ...whisper, sessionId: "s0" };
    assert.equal(applyEvent(coached, other), coached, "an earlier session's whisper is not this one's");
  });

  it("a deleted user leaves the lists", () => {
    const users = [{ id: "u1" }, { id: "u2" }] as never;
    const next = applyEvent({ me: null, users, calls: [] }, { type: "user.deleted", userId: "u1" });
    assert.deepEqual(
      next.users.map((u) => u.id),
      ["u2"],
    );
  });

  it("reads the lists again only for what no event carries", () => {
    const me = {
      id: "me",
      role: "supervisor",
      monitoringAccess: "live_monitoring",
      currentCallId: null,
      coachingSessionId: null,
    } as never;
    const shown: Lists = { me, users: [me], calls: [call({})] };
    const mine = (over: object): ServerMessage => ({
      type: "user.updated",
      user: { ...(me as object), ...over } as never,
    });
    assert.equal(needsRefetch(shown, updated({ state: "on_hold" })), false, "a call event carries my grants");
    assert.equal(needsRefetch(shown, mine({ availability: "unavailable" })), false);
    assert.equal(
      needsRefetch(shown, mine({ coachingSessionId: "s1" })),
      true,
      "my session: grants on every call",
    );
    assert.equal(needsRefetch(shown, mine({ currentCallId: "c1" })), true);
    assert.equal(needsRefetch(shown, mine({ monitoringAccess: "live_monitoring_plus" })), true);
    assert.equal(
      needsRefetch(shown, { type: "user.updated", user: { id: "other", coachingSessionId: "s" } as never }),
      false,
    );
    assert.equal(needsRefetch(shown, { type: "numbers.changed", numberId: "n1" }), true);
  });
});
