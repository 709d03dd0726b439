// Builds the Call resources a viewer sees: contact, comments, coaching session and the
// viewer's grants (what they may do on each call), loaded in batches. (Events are made by publisher.ts.)
import type { Call } from "../protocol/resources.ts";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import { callGrants } from "./grants.ts";
import type { CallRecord, UserRecord } from "./model.ts";
import { agentMayKnow, canMonitor } from "./policy.ts";
import type { Store } from "./ports.ts";
import { callFacts, callSeenBy, coachFacts, presentCall, presentSession } from "./presenter.ts";

export function maySeeCall(viewer: UserRecord, call: CallRecord, coachId: string | null): boolean {
  if (viewer.orgId !== call.orgId) return false;
  return (
    canMonitor(viewer) ||
    call.agentId === viewer.id ||
    call.ringingUserIds.includes(viewer.id) ||
    isOfferedTo(call, viewer.id) ||
    coachId === viewer.id
  );
}

/** A transfer of `call` rings `userId` now. */
export function isOfferedTo(call: CallRecord, userId: string): boolean {
  return call.transfer?.state === "ringing" && call.transfer.toUserId === userId;
}

/** Refuses (not_found) a viewer who may not see the locked `call`. */
export async function assertVisible(viewer: UserRecord, call: CallRecord, tx: Store): Promise<void> {
  const session = call.orgId === viewer.orgId ? await tx.activeSessionOfCall(call.id) : undefined;
  if (!maySeeCall(viewer, call, session?.coachId ?? null)) fail("not_found", "No such call.");
}

export class CallViews {
  constructor(private readonly ctx: Pick<ControlContext, "store" | "quality">) {}

  /** Resources for `calls`, with `grants` computed for `viewer` when given; read from `store` (a transaction's). */
  async present(
    calls: CallRecord[],
    viewer: UserRecord | null,
    store: Store = this.ctx.store,
  ): Promise<Call[]> {
    if (calls.length === 0) return [];
    const ids = calls.map((c) => c.id);
    const orgId = calls[0].orgId;
    const contactIds = [...new Set(calls.map((c) => c.contactId).filter((id): id is string => id !== null))];
    const waiting = calls.filter((c) => c.state === "ringing" && c.queuedAt).map((c) => c.id);
    const [sessions, comments, numbers, contacts, positions] = await Promise.all([
      store.activeSessionsOfCalls(ids),
      store.listComments(ids),
      store.listNumbers(orgId),
      store.getContacts(contactIds),
      store.queuePositions(waiting),
    ]);
    // Text whispers are the agent's and the coach's only (audiences.whisper): a session's
    // messages come with the call for those two viewers, never for other monitors.
    const ownSessions = viewer
      ? sessions.filter((s) => s.coachId === viewer.id || s.agentId === viewer.id).map((s) => s.id)
      : [];
    const [users, events] = await Promise.all([
      store.getUsers([...new Set(sessions.map((s) => s.coachId))]),
      ownSessions.length > 0 ? store.listSessionEvents(ownSessions) : Promise.resolve([]),
    ]);
    let viewerFacts = null;
    if (viewer) {
      const [live, coaching] = await Promise.all([
        store.liveCallOfAgent(viewer.id),
        store.activeSessionOfCoach(viewer.id),
      ]);
      viewerFacts = coachFacts(viewer, live?.id ?? null, coaching?.id ?? null);
    }
    return calls.map((c) => {
      const s = sessions.find((x) => x.callId === c.id);
      const session = s
        ? presentSession(s, users.find((u) => u.id === s.coachId)?.name ?? "", c, events)
        : null;
      const call = presentCall(c, {
        contact: contacts.find((k) => k.id === c.contactId),
        comments: comments.filter((k) => k.callId === c.id),
        session,
        quality: this.ctx.quality?.of(c.id),
        queuePosition: positions.get(c.id) ?? null,
      });
      if (viewer && viewerFacts) {
        const numberUserIds = numbers.find((n) => n.id === c.numberId)?.userIds ?? [];
        const knownSession = s !== undefined && agentMayKnow(s, viewer.id);
        call.grants = callGrants(
          viewerFacts,
          c,
          callFacts(c, numberUserIds, s?.coachId ?? null),
          knownSession,
        );
        call.coach = call.grants.coach;
        return callSeenBy(call, viewer.id);
      }
      return call;
    });
  }

  async presentOne(call: CallRecord, viewer: UserRecord | null, store?: Store): Promise<Call> {
    return (await this.present([call], viewer, store))[0];
  }
}
