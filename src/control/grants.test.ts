import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CallState } from "../protocol/resources.ts";
import { newCallRecord } from "./callRecord.ts";
import { type CallActionKind, callActionRefusal, callGrants, userGrants, type Viewer } from "./grants.ts";
import type { CallRecord } from "./model.ts";
import type { CallFacts, CoachFacts } from "./policy.ts";

const call = (over: Partial<CallRecord> = {}): CallRecord => ({
  ...newCallRecord({ id: "c1", orgId: "o", direction: "inbound", numberId: "n", customerNumber: "+1" }),
  state: "in_progress",
  agentId: "ana",
  createdAt: new Date(0),
  ...over,
});
const ana: Viewer = { id: "ana", role: "agent", monitoringAccess: "none", liveCallId: "c1" };
const luis: Viewer = { id: "luis", role: "agent", monitoringAccess: "none", liveCallId: null };
const sofia: Viewer = {
  id: "sofia",
  role: "supervisor",
  monitoringAccess: "live_monitoring_plus",
  liveCallId: null,
};
const admin: Viewer = {
  id: "admin",
  role: "admin",
  monitoringAccess: "live_monitoring_plus",
  liveCallId: null,
};

const AGENT_ONLY: CallActionKind[] = [
  "hold",
  "resume",
  "mute",
  "unmute",
  "transfer",
  "addParty",
  "raiseHand",
];

describe("callActionRefusal: who may act, then what the state allows", () => {
  const cases: [string, Viewer, Partial<CallRecord>, CallActionKind, string | null][] = [
    ["the agent holds", ana, {}, "hold", null],
    ["the agent cannot hold a call on hold", ana, { state: "on_hold" }, "hold", "invalid_transition"],
    ["the agent resumes", ana, { state: "on_hold" }, "resume", null],
    ["resume needs hold", ana, {}, "resume", "invalid_transition"],
    ["mute on hold", ana, { state: "on_hold" }, "mute", null],
    ["unmute a muted agent", ana, { agentMuted: true }, "unmute", null],
    ["nothing before answer", ana, { state: "ringing" }, "mute", "invalid_transition"],
    ["nothing after the end", ana, { state: "ended" }, "transfer", "invalid_transition"],
    ["nothing after an external transfer", ana, { externalTransfer: true }, "hold", "invalid_transition"],
    ["one third party", ana, { conference: true }, "addParty", "conflict"],
    ["the agent hangs up", ana, {}, "hangUp", null],
    ["an admin hangs up a live call", admin, {}, "hangUp", null],
    ["an admin cannot cancel a ringing call", admin, { state: "ringing" }, "hangUp", "forbidden"],
    ["a supervisor cannot hang up", sofia, {}, "hangUp", "forbidden"],
    ["an ended call is not hung up twice", ana, { state: "ended" }, "hangUp", "invalid_transition"],
    ["a supervisor tags", sofia, {}, "tag", null],
    ["another agent cannot tag", luis, {}, "tag", "forbidden"],
    ["comments on an ended call", ana, { state: "ended" }, "comment", null],
    ["another agent cannot comment", luis, {}, "comment", "forbidden"],
    [
      "answer a call ringing for me",
      luis,
      { state: "ringing", agentId: null, ringingUserIds: ["luis"] },
      "answer",
      null,
    ],
    [
      "answer: not ringing for me",
      sofia,
      { state: "ringing", agentId: null, ringingUserIds: ["luis"] },
      "answer",
      "not_ringing_for_you",
    ],
    ["answer: someone answered", luis, { ringingUserIds: [] }, "answer", "already_answered"],
    [
      "answer: an outbound call",
      luis,
      { state: "ringing", direction: "outbound", ringingUserIds: ["luis"] },
      "answer",
      "already_answered",
    ],
    [
      "answer: I am on a call",
      ana,
      { id: "c2", state: "ringing", agentId: null, ringingUserIds: ["ana"] },
      "answer",
      "conflict",
    ],
  ];
  for (const [name, viewer, over, kind, code] of cases) {
    it(`${name} → ${code ?? "allowed"}`, () => {
      assert.equal(callActionRefusal(viewer, call(over), kind)?.code ?? null, code);
    });
  }
  for (const kind of AGENT_ONLY) {
    for (const viewer of [luis, sofia, admin]) {
      it(`${kind}: only the call's agent, not ${viewer.id}`, () => {
        assert.equal(callActionRefusal(viewer, call({ state: "on_hold" }), kind)?.code, "forbidden");
      });
    }
  }
  for (const state of ["ringing", "in_progress", "on_hold", "ended"] as CallState[]) {
    it(`who is asked before the state (${state})`, () => {
      assert.equal(callActionRefusal(luis, call({ state }), "hold")?.code, "forbidden");
    });
  }
});

describe("callGrants", () => {
  const facts = (over: Partial<CallFacts> = {}): CallFacts => ({
    id: "c1",
    state: "in_progress",
    agentId: "ana",
    numberUserIds: ["ana", "sofia"],
    emergency: false,
    conference: false,
    externalTransfer: false,
    activeCoachId: null,
    ...over,
  });
  const coach = (v: Viewer): CoachFacts => ({ ...v, coachingSessionId: null });

  it("is each action's refusal as data, with the sentence the API would answer", () => {
    const g = callGrants(coach(sofia), call(), facts());
    assert.deepEqual(g.hold, {
      allowed: false,
      code: "forbidden",
      message: "Only the call's agent can do this.",
    });
    assert.deepEqual(g.tag, { allowed: true, code: null, message: null });
    for (const kind of AGENT_ONLY) assert.equal(g[kind].allowed, false, kind);
  });
  it("the agent's own call: every agent action, no coaching", () => {
    const g = callGrants(coach(ana), call(), facts());
    for (const kind of AGENT_ONLY.filter((k) => k !== "resume")) assert.equal(g[kind].allowed, true, kind);
    assert.equal(g.resume.code, "invalid_transition");
    assert.equal(g.coach.code, "role_not_allowed");
  });
  it("a transfer and a third party say they end a coaching session the agent knows of", () => {
    const known = callGrants(coach(ana), call(), facts({ activeCoachId: "sofia" }), true);
    assert.deepEqual([known.transfer.endsCoaching, known.addParty.endsCoaching], [true, true]);
    assert.equal(known.transfer.allowed, true);
    // A silent listener the agent is not aware of is not told, and no session: nothing ends.
    const unknown = callGrants(coach(ana), call(), facts({ activeCoachId: "sofia" }), false);
    assert.deepEqual([unknown.transfer.endsCoaching, unknown.addParty.endsCoaching], [false, false]);
    // A refused action ends nothing.
    const conf = callGrants(coach(ana), call({ conference: true }), facts(), true);
    assert.deepEqual([conf.addParty.allowed, conf.addParty.endsCoaching], [false, false]);
  });
  it("coach, barge and open the conversation from the policy", () => {
    const s = callGrants(coach(sofia), call(), facts());
    assert.deepEqual([s.coach.allowed, s.barge.allowed, s.openConversation.allowed], [true, true, true]);
    const marco = { ...sofia, id: "marco", monitoringAccess: "live_monitoring" as const };
    const m = callGrants(coach(marco), call(), facts());
    assert.equal(m.coach.code, "not_in_line_distribution");
    assert.equal(m.barge.code, "barge_not_allowed");
    assert.equal(m.openConversation.code, "not_in_line_distribution");
    const a = callGrants(coach(admin), call(), facts());
    assert.deepEqual([a.coach.allowed, a.openConversation.allowed], [true, false]);
  });
});

describe("userGrants", () => {
  it("monitor: admins and supervisors with monitoring access; administer: admins", () => {
    assert.deepEqual(
      [userGrants(admin), userGrants(sofia), userGrants(ana)].map((g) => [
        g.monitor.allowed,
        g.administer.allowed,
      ]),
      [
        [true, true],
        [true, false],
        [false, false],
      ],
    );
    assert.equal(
      userGrants({ role: "supervisor", monitoringAccess: "none" }).monitor.code,
      "no_monitoring_access",
    );
  });
});
