// A call's record as it starts: the one place every field of CallRecord gets its first value
// (CallLifecycle makes calls with it; tests and the bench's seed start from it too).
import type { CallRecord } from "./model.ts";

type Required = Pick<CallRecord, "id" | "orgId" | "direction" | "numberId" | "customerNumber">;

/** A ringing call with nobody on it yet, `over` on top. */
export function newCallRecord(
  over: Required & Partial<Omit<CallRecord, "createdAt">>,
): Omit<CallRecord, "createdAt"> {
  return {
    state: "ringing",
    agentId: null,
    ringingUserIds: [],
    contactId: null,
    emergency: false,
    conference: false,
    externalTransfer: false,
    transferredTo: null,
    agentMuted: false,
    customerChannel: "demo",
    tags: [],
    handRaised: false,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    nodeId: null,
    thirdParty: null,
    queuedAt: null,
    earlierWaitMs: null,
    transfer: null,
    ...over,
  };
}
