import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { audiences } from "./audiences.ts";
import type { CallRecord } from "./model.ts";
import { transferTargetRefusal } from "./Transfers.ts";

describe("transfers", () => {
  it("refuses a target for the most pressing reason: busy, then offline, then unavailable", () => {
    const ok = { availability: "available" as const, online: true, busy: false };
    assert.equal(transferTargetRefusal(ok), null);
    assert.equal(transferTargetRefusal({ ...ok, busy: true, online: false })?.code, "user_busy");
    assert.equal(
      transferTargetRefusal({ ...ok, online: false, availability: "unavailable" })?.code,
      "user_offline",
    );
    assert.equal(transferTargetRefusal({ ...ok, availability: "unavailable" })?.code, "user_unavailable");
  });

  it("tells a call's change to the user a transfer rings, and to the agent who handed it on", () => {
    const base = {
      id: "c1",
      orgId: "o1",
      agentId: "ana",
      ringingUserIds: [],
      transfer: null,
    } as unknown as CallRecord;
    const at = new Date();
    const ringing = {
      ...base,
      transfer: { fromUserId: "ana", toUserId: "luis", state: "ringing" as const, at, wasOnHold: false },
    };
    assert.deepEqual(audiences.call(ringing, null, base).userIds, ["ana", "luis"]);
    // Accepted: luis is the agent; ana (who had it) is told, so her card clears at once.
    const accepted = { ...base, agentId: "luis" };
    assert.deepEqual(audiences.call(accepted, "sofia", ringing).userIds?.sort(), ["ana", "luis", "sofia"]);
    // Declined: luis (whose offer goes) is told too.
    const declined = { ...ringing, transfer: { ...ringing.transfer, state: "declined" as const } };
    assert.deepEqual(audiences.call(declined, null, ringing).userIds, ["ana", "luis"]);
  });
});
