// Who may leave a coaching note (grants.coachingNoteRefusal): admins and supervisors with Live
// Monitoring, a supervisor only on their line distribution's numbers and never on their own
// call, and only once the call ended. Every role × access × distribution × state.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MONITORING_ACCESS, ROLES } from "../protocol/resources.ts";
import { parseCursor } from "./CallHistory.ts";
import { coachingNoteRefusal, type Viewer } from "./grants.ts";
import type { CallFacts } from "./policy.ts";

const facts = (over: Partial<CallFacts> = {}): CallFacts => ({
  id: "c1",
  state: "ended",
  agentId: "ana",
  numberUserIds: ["ana", "sup"],
  emergency: false,
  conference: false,
  externalTransfer: false,
  activeCoachId: null,
  ...over,
});

/** The expected answer, written out as the rule reads in words. */
function expected(v: Viewer, c: CallFacts): string | null {
  if (v.role === "agent") return "role_not_allowed";
  if (v.monitoringAccess === "none") return "no_monitoring_access";
  if (v.role === "supervisor" && !c.numberUserIds.includes(v.id)) return "not_in_line_distribution";
  if (c.agentId === v.id) return "forbidden";
  return c.state === "ended" ? null : "call_not_ended";
}

describe("coachingNoteRefusal", () => {
  it("every role × monitoring access × distribution × state × own call", () => {
    let cases = 0;
    for (const role of ROLES)
      for (const monitoringAccess of MONITORING_ACCESS)
        for (const id of ["sup", "outsider"])
          for (const state of ["ringing", "in_progress", "on_hold", "ended"] as const)
            for (const agentId of ["ana", id]) {
              const v: Viewer = { id, role, monitoringAccess, liveCallId: null };
              const c = facts({ state, agentId });
              assert.equal(coachingNoteRefusal(v, c)?.code ?? null, expected(v, c), JSON.stringify({ v, c }));
              cases++;
            }
    assert.equal(cases, 3 * 3 * 2 * 4 * 2);
  });

  it("an admin with Live Monitoring may on any number; each refusal carries a sentence", () => {
    const admin: Viewer = {
      id: "root",
      role: "admin",
      monitoringAccess: "live_monitoring",
      liveCallId: null,
    };
    assert.equal(coachingNoteRefusal(admin, facts({ numberUserIds: [] })), null);
    const agent: Viewer = { id: "ana", role: "agent", monitoringAccess: "none", liveCallId: null };
    assert.ok((coachingNoteRefusal(agent, facts())?.message.length ?? 0) > 10);
  });
});

describe("parseCursor", () => {
  it("reads a page's nextBefore and a plain time", () => {
    assert.deepEqual(parseCursor("2026-12-02T06:13:02.123456Z~abc-1"), {
      at: "2026-12-02T06:13:02.123456Z",
      id: "abc-1",
    });
    assert.deepEqual(parseCursor("2026-12-02T06:13:02Z"), { at: "2026-12-02T06:13:02Z", id: null });
  });
});
