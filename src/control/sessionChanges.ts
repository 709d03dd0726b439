// The database side of a coaching session's changes, inside the caller's transaction:
// a mode change, an end, and the re-run of the policy when a coach's permissions change.
// What follows a commit (routing, the coach's leg, events) is Coaching's settleReview().
import type { CoachingMode } from "../protocol/resources.ts";
import { changeMode } from "./coachingMachine.ts";
import type { CallRecord, SessionRecord, UserRecord } from "./model.ts";
import { type CallFacts, type CoachFacts, canBarge, canStartCoaching, type PolicyAnswer } from "./policy.ts";
import type { Store } from "./ports.ts";
import { callFacts, coachFacts } from "./presenter.ts";

export interface ModeChanged {
  session: SessionRecord;
  /** The coach became audible to the agent for the first time. */
  firstAudible: boolean;
}

/** Switches `session` to `mode` (the coachingMachine's rules) and records it in the audit. */
export async function changeModeIn(
  tx: Store,
  session: SessionRecord,
  mode: CoachingMode,
  bargeAllowed: boolean,
  now: Date,
): Promise<ModeChanged> {
  const change = changeMode(
    {
      ...session,
      endedAt: session.endedAt?.toISOString() ?? null,
      agentAwareAt: session.agentAwareAt?.toISOString() ?? null,
    },
    mode,
    bargeAllowed,
  );
  const agentAwareAt = change.firstAudible ? now : session.agentAwareAt;
  await tx.updateSession(session.id, { mode, modesUsed: change.modesUsed, agentAwareAt });
  await tx.insertSessionEvent({ sessionId: session.id, kind: "mode_changed", detail: mode });
  return {
    session: { ...session, mode, modesUsed: change.modesUsed, agentAwareAt },
    firstAudible: change.firstAudible,
  };
}

/**
 * May `coach` go on coaching `call` in its session? The policy that admits a coach, asked
 * without the session itself (which is neither "another coach" nor "coach busy").
 */
export function mayKeepCoaching(coach: UserRecord, call: CallRecord, numberUserIds: string[]): PolicyAnswer {
  return canStartCoaching(coachFacts(coach, null, null), callFacts(call, numberUserIds, null));
}

/** `coach` and `call` as the policy reads them, from `store` (a transaction's, or the store). */
export async function policyFactsIn(
  store: Store,
  coach: UserRecord,
  call: CallRecord,
): Promise<[CoachFacts, CallFacts]> {
  const [number, live, mine, active] = await Promise.all([
    store.getNumber(call.numberId),
    store.liveCallOfAgent(coach.id),
    store.activeSessionOfCoach(coach.id),
    store.activeSessionOfCall(call.id),
  ]);
  return [
    coachFacts(coach, live?.id ?? null, mine?.id ?? null),
    callFacts(call, number?.userIds ?? [], active?.coachId ?? null),
  ];
}

export type ReviewOutcome<Ended> =
  | ({ kind: "ended" } & Ended)
  | ({ kind: "demoted"; call: CallRecord } & ModeChanged);

/**
 * Re-runs the policy for active sessions after a change to users or numbers, in the same
 * transaction: a session the policy no longer allows ends (`permission_changed`); barge without
 * Live Monitoring+ drops to whisper. Each call's row is locked first, so a concurrent start,
 * mode change or call transition sees the result. `sessionIds` in any order; locks in id order.
 */
export async function reviewSessions<Ended>(
  tx: Store,
  sessionIds: string[],
  now: Date,
  /** Ends `session` with permission_changed (a call transition); null if it had ended. */
  end: (session: SessionRecord) => Promise<Ended | null>,
): Promise<ReviewOutcome<Ended>[]> {
  const outcomes: ReviewOutcome<Ended>[] = [];
  const sessions = (await Promise.all(sessionIds.map((id) => tx.getSession(id)))).filter(
    (s): s is SessionRecord => !!s,
  );
  for (const found of sessions.sort((a, b) => a.callId.localeCompare(b.callId))) {
    const call = await tx.lockCall(found.callId);
    const session = await tx.getSession(found.id); // fresh under the call's lock
    if (!call || !session || session.endedAt) continue;
    const [coach, number] = await Promise.all([tx.getUser(session.coachId), tx.getNumber(call.numberId)]);
    const answer = coach ? mayKeepCoaching(coach, call, number?.userIds ?? []) : null;
    if (!coach || (answer && !answer.allowed)) {
      const ended = await end(session);
      if (ended) outcomes.push({ kind: "ended", ...ended });
    } else if (session.mode === "barge" && !canBarge(coach)) {
      outcomes.push({ kind: "demoted", call, ...(await changeModeIn(tx, session, "whisper", false, now)) });
    }
  }
  return outcomes;
}
