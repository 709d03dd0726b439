import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MONITORING_ACCESS, ROLES } from "../protocol/resources.ts";
import { type CallFacts, type CoachFacts, canBarge, canStartCoaching } from "./policy.ts";

const coach = (over: Partial<CoachFacts> = {}): CoachFacts => ({
  id: "sofia",
  role: "supervisor",
  monitoringAccess: "live_monitoring_plus",
  liveCallId: null,
  coachingSessionId: null,
  ...over,
});
const call = (over: Partial<CallFacts> = {}): CallFacts => ({
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

describe("canStartCoaching: every role × monitoring access", () => {
  for (const role of ROLES) {
    for (const access of MONITORING_ACCESS) {
      const expected =
        role === "agent" ? "role_not_allowed" : access === "none" ? "no_monitoring_access" : null;
      it(`${role} with ${access} → ${expected ?? "allowed"}`, () => {
        const answer = canStartCoaching(coach({ role, monitoringAccess: access }), call());
        assert.deepEqual(answer, expected ? { allowed: false, code: expected } : { allowed: true });
      });
    }
  }
});

describe("canStartCoaching: every refusal code", () => {
  const cases: [string, CoachFacts, CallFacts, string | null][] = [
    ["agent", coach({ role: "agent" }), call(), "role_not_allowed"],
    ["no access", coach({ monitoringAccess: "none" }), call(), "no_monitoring_access"],
    [
      "supervisor outside distribution",
      coach(),
      call({ numberUserIds: ["ana"] }),
      "not_in_line_distribution",
    ],
    ["admin outside distribution", coach({ role: "admin" }), call({ numberUserIds: ["ana"] }), null],
    ["ringing call", coach(), call({ state: "ringing", agentId: null }), "call_not_live"],
    ["ended call", coach(), call({ state: "ended" }), "call_not_live"],
    ["call on hold is live", coach(), call({ state: "on_hold" }), null],
    ["emergency", coach(), call({ emergency: true }), "emergency_call"],
    ["conference", coach(), call({ conference: true }), "conference_call"],
    ["external transfer", coach(), call({ externalTransfer: true }), "external_transfer"],
    ["someone else coaches", coach(), call({ activeCoachId: "marco" }), "call_already_coached"],
    [
      "I already coach this call",
      coach({ coachingSessionId: "s1" }),
      call({ activeCoachId: "sofia" }),
      "call_already_coached",
    ],
    ["I coach another call", coach({ coachingSessionId: "s2" }), call(), "coach_busy"],
    ["I am on a call", coach({ liveCallId: "c9" }), call(), "coach_on_call"],
    ["my own call", coach({ liveCallId: "c1" }), call({ agentId: "sofia" }), "coach_on_call"],
    ["LM (not plus) may coach", coach({ monitoringAccess: "live_monitoring" }), call(), null],
  ];
  for (const [name, c, k, code] of cases) {
    it(`${name} → ${code ?? "allowed"}`, () => {
      const answer = canStartCoaching(c, k);
      assert.deepEqual(answer, code ? { allowed: false, code } : { allowed: true });
    });
  }
});

describe("canBarge", () => {
  it("offers barge only with Live Monitoring+", () => {
    assert.equal(canBarge({ monitoringAccess: "live_monitoring_plus" }), true);
    assert.equal(canBarge({ monitoringAccess: "live_monitoring" }), false);
  });
});
