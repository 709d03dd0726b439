// A transfer to another user (SPEC §2): it rings them; they accept (they become the call's
// agent) or decline, or it rings out; on decline or timeout the call returns to the agent who
// transferred it. The call carries its transfer while it rings and, after it returned, its
// outcome (so the agent is told why). Imports nothing (resources.ts imports it).

/** `ringing` while offered; otherwise how the last transfer returned to its agent. */
export type TransferState = "ringing" | "declined" | "no_answer" | "cancelled";

export interface CallTransfer {
  /** The agent who transferred the call (still its agent while it rings, and after it returned). */
  fromUserId: string;
  /** The user it rings (or rang). */
  toUserId: string;
  state: TransferState;
  /** When it began ringing (ringing), or when it returned (the other states); ISO time. */
  at: string;
}

/** What the viewer may do about a call's transfer (Call.grants; `G` is resources.ts's Grant). */
export interface TransferGrants<G> {
  /** Accept the transfer offered to you: you become the call's agent. */
  acceptTransfer: G;
  /** Decline it: the call returns to the agent who transferred it. */
  declineTransfer: G;
  /** The transferring agent takes the call back before the target answers. */
  cancelTransfer: G;
}
