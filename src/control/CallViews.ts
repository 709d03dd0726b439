// Builds the Call resources a viewer sees: contact, comments, coaching session and the
// viewer's own Coach permission, loaded in batches.
import type { Call } from "../protocol/resources.ts";
import type { ControlContext } from "./context.ts";
import type { CallRecord, UserRecord } from "./model.ts";
import { canMonitor, coachPermission } from "./policy.ts";
import type { Audience, Envelope, Store } from "./ports.ts";

export type CallEventType = "call.created" | "call.updated" | "call.ended";

import { callFacts, coachFacts, presentCall, presentSession } from "./presenter.ts";

export function maySeeCall(viewer: UserRecord, call: CallRecord, coachId: string | null): boolean {
  if (viewer.orgId !== call.orgId) return false;
  return (
    canMonitor(viewer) ||
    call.agentId === viewer.id ||
    call.ringingUserIds.includes(viewer.id) ||
    coachId === viewer.id
  );
}

export function callAudience(call: CallRecord, coachId: string | null): Audience {
  const userIds = [...call.ringingUserIds];
  if (call.agentId) userIds.push(call.agentId);
  if (coachId) userIds.push(coachId);
  return { orgId: call.orgId, monitors: true, userIds, callId: call.id };
}

export class CallViews {
  constructor(private readonly ctx: ControlContext) {}

  /** Resources for `calls`, with `coach` computed for `viewer` when given; read from `store` (a transaction's). */
  async present(
    calls: CallRecord[],
    viewer: UserRecord | null,
    store: Store = this.ctx.store,
  ): Promise<Call[]> {
    if (calls.length === 0) return [];
    const ids = calls.map((c) => c.id);
    const orgId = calls[0].orgId;
    const contactIds = [...new Set(calls.map((c) => c.contactId).filter((id): id is string => id !== null))];
    const [sessions, comments, numbers, contacts] = await Promise.all([
      store.activeSessionsOfCalls(ids),
      store.listComments(ids),
      store.listNumbers(orgId),
      store.getContacts(contactIds),
    ]);
    const users = await store.getUsers([...new Set(sessions.map((s) => s.coachId))]);
    let viewerFacts = null;
    if (viewer) {
      const [live, coaching] = await Promise.all([
        store.liveCallOfAgent(viewer.id),
        store.activeSessionOfCoach(viewer.id),
      ]);
      viewerFacts = coachFacts(viewer, live?.id ?? null, coaching?.callId ?? null);
    }
    return calls.map((c) => {
      const s = sessions.find((x) => x.callId === c.id);
      const session = s ? presentSession(s, users.find((u) => u.id === s.coachId)?.name ?? "") : null;
      const call = presentCall(c, {
        contact: contacts.find((k) => k.id === c.contactId),
        comments: comments.filter((k) => k.callId === c.id),
        session,
      });
      if (viewerFacts) {
        const numberUserIds = numbers.find((n) => n.id === c.numberId)?.userIds ?? [];
        call.coach = coachPermission(viewerFacts, callFacts(c, numberUserIds, s?.coachId ?? null));
      }
      return call;
    });
  }

  async presentOne(call: CallRecord, viewer: UserRecord | null, store?: Store): Promise<Call> {
    return (await this.present([call], viewer, store))[0];
  }

  /** Publishes `call` to everyone allowed to see it. */
  async publish(call: CallRecord, type: CallEventType): Promise<Call> {
    const session = await this.ctx.store.activeSessionOfCall(call.id);
    const event = await this.event(call, type, session?.coachId ?? null);
    this.ctx.bus.publish(event);
    return event.event.call;
  }

  /**
   * The event saying `call` changed, for its audience (`coachId`: a coach who is told too),
   * read from `store`: a transition builds it under the call's lock and publishes it right after
   * the commit, so that concurrent changes of one call are told in the order they happened.
   */
  async event(
    call: CallRecord,
    type: CallEventType,
    coachId: string | null,
    store?: Store,
  ): Promise<Envelope & { event: { call: Call } }> {
    const dto = await this.presentOne(call, null, store);
    return { audience: callAudience(call, coachId), event: { type, call: dto } };
  }
}
