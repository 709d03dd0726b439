import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applyCallAction,
  type CallAction,
  callTransition,
  endsCoachingAs,
  waitBeforeAnswer,
} from "./callMachine.ts";
import { newCallRecord } from "./callRecord.ts";
import { changeMode } from "./coachingMachine.ts";
import { EarshotError } from "./errors.ts";
import type { CallRecord } from "./model.ts";

describe("call state machine", () => {
  it("follows ringing → in_progress ⇄ on_hold → ended", () => {
    assert.equal(callTransition("ringing", "answer"), "in_progress");
    assert.equal(callTransition("in_progress", "hold"), "on_hold");
    assert.equal(callTransition("on_hold", "resume"), "in_progress");
    assert.equal(callTransition("in_progress", "end"), "ended");
    assert.equal(callTransition("on_hold", "end"), "ended");
    assert.equal(callTransition("ringing", "end"), "ended");
  });
  for (const [from, action] of [
    ["ringing", "hold"],
    ["ringing", "resume"],
    ["in_progress", "answer"],
    ["in_progress", "resume"],
    ["on_hold", "hold"],
    ["on_hold", "answer"],
    ["ended", "answer"],
    ["ended", "end"],
  ] as const) {
    it(`rejects ${action} from ${from}`, () => {
      assert.throws(
        () => callTransition(from, action),
        (e) => e instanceof EarshotError && e.code === "invalid_transition",
      );
    });
  }
});

describe("coaching session state machine", () => {
  const active = {
    mode: "listen" as const,
    modesUsed: ["listen" as const],
    endedAt: null,
    agentAwareAt: null,
  };
  it("records modes used and the first time the coach becomes audible", () => {
    const w = changeMode(active, "whisper", false);
    assert.deepEqual(w, { mode: "whisper", modesUsed: ["listen", "whisper"], firstAudible: true });
    const again = changeMode({ ...active, agentAwareAt: "t" }, "whisper", false);
    assert.equal(again.firstAudible, false);
  });
  it("refuses barge without Live Monitoring+ and any change after the end", () => {
    assert.throws(
      () => changeMode(active, "barge", false),
      (e) => e instanceof EarshotError && e.code === "barge_not_allowed",
    );
    assert.throws(
      () => changeMode({ ...active, endedAt: "t" }, "listen", true),
      (e) => e instanceof EarshotError && e.code === "session_ended",
    );
  });
});

describe("applyCallAction: what each action changes on a call", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  const live: CallRecord = {
    ...newCallRecord({
      id: "c1",
      orgId: "o",
      direction: "inbound",
      numberId: "n",
      customerNumber: "+34600000000",
    }),
    state: "in_progress",
    agentId: "ana",
    customerChannel: "widget",
    createdAt: now,
    answeredAt: now,
  };
  const refused = (call: CallRecord, action: CallAction, code = "invalid_transition") =>
    assert.throws(
      () => applyCallAction(call, action, now),
      (e) => e instanceof EarshotError && e.code === code,
    );

  it("ends once: a second end is refused with a clear sentence", () => {
    const patch = applyCallAction(live, { type: "end", reason: "hangup_agent" }, now);
    assert.deepEqual(patch, {
      state: "ended",
      endedAt: now,
      endReason: "hangup_agent",
      ringingUserIds: [],
      handRaised: false,
    });
    assert.throws(
      () => applyCallAction({ ...live, ...patch }, { type: "end", reason: "hangup_customer" }, now),
      /already ended/,
    );
  });
  it("changes nothing when nothing changes (mute twice, the same tag, the same hand)", () => {
    assert.deepEqual(applyCallAction({ ...live, agentMuted: true }, { type: "mute", muted: true }, now), {});
    assert.deepEqual(applyCallAction({ ...live, tags: ["vip"] }, { type: "tag", tag: "vip" }, now), {});
    assert.deepEqual(applyCallAction(live, { type: "hand", raised: false }, now), {});
  });
  it("refuses agent actions on a call that is not connected, ended or transferred out", () => {
    refused({ ...live, state: "ringing" }, { type: "hold" });
    refused({ ...live, state: "ended" }, { type: "mute", muted: true });
    refused({ ...live, externalTransfer: true }, { type: "transfer", toUserId: "luis" });
    refused({ ...live, state: "on_hold" }, { type: "hold" });
    refused({ ...live, conference: true }, { type: "add_party", number: "+1" }, "conflict");
  });
  it("a transfer to a user rings (hold music), then is accepted or returns to its agent", () => {
    const offer = applyCallAction({ ...live, agentId: "ana" }, { type: "transfer", toUserId: "luis" }, now);
    assert.equal(offer.state, "on_hold", "the customer hears hold music while it rings");
    assert.deepEqual(offer.transfer, {
      fromUserId: "ana",
      toUserId: "luis",
      state: "ringing",
      at: now,
      wasOnHold: false,
    });
    const ringing = { ...live, agentId: "ana", ...offer };
    refused(ringing, { type: "transfer", toUserId: "marco" }, "transfer_pending");
    refused(ringing, { type: "add_party", number: "+1" }, "transfer_pending");
    const accepted = applyCallAction(ringing, { type: "transfer_accept" }, now);
    assert.equal(accepted.agentId, "luis");
    assert.equal(accepted.state, "in_progress");
    assert.equal(accepted.transfer, null);
    const later = new Date(now.getTime() + 5000);
    const declined = applyCallAction(ringing, { type: "transfer_return", outcome: "declined" }, later);
    assert.equal(declined.state, "in_progress", "back with the agent who transferred it");
    assert.equal(declined.agentId, undefined, "the agent stays");
    assert.deepEqual(declined.transfer, { ...offer.transfer, state: "declined", at: later });
    // A call on hold before the transfer stays on hold when it returns.
    const held = applyCallAction(
      { ...live, agentId: "ana", state: "on_hold" },
      { type: "transfer", toUserId: "luis" },
      now,
    );
    const back = applyCallAction(
      { ...live, agentId: "ana", state: "on_hold", ...held },
      { type: "transfer_return", outcome: "no_answer" },
      now,
    );
    assert.equal(back.state, undefined);
    // Nothing to accept once it returned; the call's end drops a ringing transfer.
    refused({ ...ringing, ...declined }, { type: "transfer_accept" }, "no_transfer_offered");
    assert.equal(applyCallAction(ringing, { type: "end", reason: "hangup_customer" }, now).transfer, null);
  });
  it("requeues a connected inbound call: it waits as a new one, nobody its agent", () => {
    const later = new Date(now.getTime() + 60_000);
    for (const state of ["in_progress", "on_hold"] as const)
      assert.deepEqual(applyCallAction({ ...live, state, agentMuted: true }, { type: "requeue" }, later), {
        state: "ringing",
        agentId: null,
        agentMuted: false,
        handRaised: false,
        ringingUserIds: [],
        answeredAt: null,
        queuedAt: later,
        // The wait until the answer it had: from its arrival (it never waited again before).
        earlierWaitMs: (live.answeredAt as Date).getTime() - live.createdAt.getTime(),
      });
    // Requeued again after a second answer: both waits, the second from the requeue.
    const t = (s: number) => new Date(now.getTime() + s * 1000);
    const again = { ...live, earlierWaitMs: 5_000, queuedAt: t(60), answeredAt: t(70) };
    assert.equal(applyCallAction(again, { type: "requeue" }, t(90)).earlierWaitMs, 15_000);
    assert.equal(waitBeforeAnswer({ ...live, createdAt: t(0), answeredAt: t(8) }), 8_000);
    assert.equal(waitBeforeAnswer({ ...again, answeredAt: null }), 5_000);
    refused({ ...live, state: "ringing" }, { type: "requeue" });
    refused({ ...live, state: "ended" }, { type: "requeue" });
    refused({ ...live, externalTransfer: true }, { type: "requeue" });
    refused({ ...live, direction: "outbound" }, { type: "requeue" });
    // A conference waits again too, without its third party: the next agent gets a two-party call.
    assert.deepEqual(
      applyCallAction({ ...live, conference: true, thirdParty: "+34600999888" }, { type: "requeue" }, later),
      {
        state: "ringing",
        agentId: null,
        agentMuted: false,
        handRaised: false,
        ringingUserIds: [],
        answeredAt: null,
        queuedAt: later,
        earlierWaitMs: 0,
        conference: false,
        thirdParty: null,
      },
    );
    assert.equal(endsCoachingAs({ type: "requeue" }), "agent_disconnected");
  });
  it("names the coaching end reason of the actions that make a call uncoachable", () => {
    assert.equal(endsCoachingAs({ type: "end", reason: "missed" }), "call_ended");
    // A transfer that rings leaves the coached agent on the call; its acceptance takes it away.
    assert.equal(endsCoachingAs({ type: "transfer", toUserId: "luis" }), null);
    assert.equal(endsCoachingAs({ type: "transfer_accept" }), "transferred");
    assert.equal(endsCoachingAs({ type: "transfer_return", outcome: "declined" }), null);
    assert.equal(endsCoachingAs({ type: "transfer_external", to: "+1" }), "external_transfer");
    assert.equal(endsCoachingAs({ type: "add_party", number: "+1" }), "conference");
    assert.equal(endsCoachingAs({ type: "hold" }), null);
  });
});
