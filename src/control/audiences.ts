// Who receives each kind of event (its Audience): the publisher states one with every event it
// builds (publisher.ts); delivery.ts decides, per connection, whether it is in it.
import type { CallRecord, SessionRecord, UserRecord } from "./model.ts";
import type { Audience } from "./ports.ts";

export const audiences = {
  /**
   * A call's changes: monitors, the users it rings (a transfer's target too), its agent, its
   * coach, its widget customer; `before`: the call before the change, whose agent and transfer
   * target are told it too (the agent who handed it on clears it, a declined target's offer goes).
   */
  call(call: CallRecord, coachId: string | null, before?: CallRecord): Audience {
    const userIds = [...call.ringingUserIds];
    if (call.agentId) userIds.push(call.agentId);
    if (coachId) userIds.push(coachId);
    for (const c of before ? [call, before] : [call])
      if (c.transfer?.state === "ringing") userIds.push(c.transfer.toUserId);
    if (before?.agentId && before.agentId !== call.agentId) userIds.push(before.agentId);
    return { orgId: call.orgId, monitors: true, userIds: [...new Set(userIds)], callId: call.id };
  },
  /** How a call's legs sound (every few seconds): the org's monitors (Live Monitoring, the coach's panel). */
  quality: (call: CallRecord): Audience => ({ orgId: call.orgId, monitors: true }),
  /** A raised or lowered hand: monitors, the agent and the coach. */
  hand(call: CallRecord, coachId: string | null): Audience {
    const userIds = [call.agentId, coachId].filter((id): id is string => !!id);
    return { orgId: call.orgId, monitors: true, userIds };
  },
  /** A session's start, mode changes and end: monitors, its coach, its agent (once aware: delivery.ts). */
  session: (s: SessionRecord): Audience => ({
    orgId: s.orgId,
    monitors: true,
    userIds: [s.agentId, s.coachId],
  }),
  /** A coaching note: who may read the call's history (monitors; its agent once aware: delivery.ts). */
  note: (s: SessionRecord): Audience => ({ orgId: s.orgId, monitors: true, userIds: [s.agentId] }),
  /** A text whisper: only the agent and the coach. */
  whisper: (s: SessionRecord): Audience => ({ orgId: s.orgId, userIds: [s.agentId, s.coachId] }),
  /** Told to the agent alone (the coach joined with Notify user, or first became audible). */
  agent: (s: SessionRecord): Audience => ({ orgId: s.orgId, userIds: [s.agentId] }),
  /** The live board: every monitor of the org. */
  board: (orgId: string): Audience => ({ orgId, monitors: true }),
  /** A user's state: everyone of the org. */
  org: (orgId: string): Audience => ({ orgId, everyone: true }),
  /** Sockets of `user`: only those of `tokenHash`, or all but those of `exceptTokenHash`. */
  tokens: (
    user: Pick<UserRecord, "id" | "orgId">,
    only: { tokenHash?: string; exceptTokenHash?: string },
  ): Audience => ({ orgId: user.orgId, userIds: [user.id], ...only }),
};
