// The media relay's broadcasts between nodes (its commands are media/commands.ts, the one
// definition the media workers share).
import { Type } from "@sinclair/typebox";
import { Candidate, Id, Reason } from "../media/commands.ts";

/** Broadcast to every node: a leg of a call owned by the sender ended. */
export const LegClosed = Type.Object({ callId: Id, legId: Id, reason: Reason });
/** Broadcast to every node: the owner's ICE candidate for a leg (null: the end). */
export const LegCandidate = Type.Object({ callId: Id, legId: Id, candidate: Candidate });
