// What one connection receives of an event the publisher stated an audience for: whether the
// audience includes it (receives), and the event as that recipient may see it (viewFor), with
// their grants on the call it carries. The WebSocket hub (api/ws.ts) asks viewFor for every
// connection; events are built in publisher.ts.
import type { ServerEvent, WidgetMessage } from "../protocol/messages.ts";
import type { Call, User } from "../protocol/resources.ts";
import { callGrants } from "./grants.ts";
import type { UserRecord } from "./model.ts";
import { agentMayKnow, canMonitor } from "./policy.ts";
import type { Audience, Envelope } from "./ports.ts";
import { callFacts, callSeenBy, coachFacts, coachSeenByUnaware, presentWidgetCall } from "./presenter.ts";

/**
 * What a signed-in viewer is doing, as their own User resource says (the hub takes it from the
 * hello and keeps it from their user.updated): with their role and access, all their grants need.
 */
export type ViewerActivity = Pick<User, "currentCallId" | "coachingSessionId">;

/** A connection that events are delivered to: a signed-in user's, or a widget customer's. */
export interface Recipient {
  user: Pick<UserRecord, "id" | "orgId" | "role" | "monitoringAccess"> | null;
  /** The user's activity (without it, a call event carries no grants). */
  activity?: ViewerActivity;
  widgetCallId?: string | null;
  /** The SHA-256 hash of the token a user's connection signed in with. */
  tokenHash?: string;
}

/** Whether the stated audience includes this connection. */
export function receives(r: Recipient, a: Audience): boolean {
  if (r.widgetCallId) return a.callId === r.widgetCallId;
  const u = r.user;
  if (!u || u.orgId !== a.orgId) return false;
  if (a.tokenHash !== undefined && r.tokenHash !== a.tokenHash) return false;
  if (a.exceptTokenHash !== undefined && r.tokenHash === a.exceptTokenHash) return false;
  return (
    a.everyone === true || (a.monitors === true && canMonitor(u)) || (a.userIds?.includes(u.id) ?? false)
  );
}

/**
 * What `r` receives of `envelope`, or null: the event as a user in its audience may see it
 * (userView: nothing of a coaching session its agent is not aware of yet), the call's projection
 * for the widget customer (WidgetCall: nothing about agents or coaches; deduped by api/ws.ts).
 */
export function viewFor(r: Recipient, envelope: Envelope): ServerEvent | WidgetMessage | null {
  if (!receives(r, envelope.audience)) return null;
  const ev = envelope.event;
  if (!r.widgetCallId) return r.user ? userView(envelope, r) : ev;
  if (ev.type !== "call.updated" && ev.type !== "call.ended" && ev.type !== "call.created") return null;
  const call = presentWidgetCall(ev.call);
  return { type: call.state === "ended" ? "call.ended" : "call.updated", call };
}

/**
 * The event as user `r` may see it: nothing of a coaching session its agent is not aware of
 * yet, a session's text whispers only for its coach and agent, and the call with `r`'s grants
 * (as CallViews gives the call to GET /calls).
 */
function userView({ event: ev, coaching, lineUserIds }: Envelope, r: Recipient): ServerEvent | null {
  const userId = (r.user as NonNullable<Recipient["user"]>).id;
  if ("session" in ev) {
    if (!agentMayKnow(ev.session, userId)) return null;
    const s = ev.session;
    if (!("messages" in s) || s.messages.length === 0 || s.coachId === userId || s.agentId === userId)
      return ev;
    return { ...ev, session: { ...s, messages: [] } } as ServerEvent;
  }
  if (ev.type === "user.updated" && coaching && !agentMayKnow(coaching, userId))
    return { ...ev, user: coachSeenByUnaware(ev.user) };
  if (!("call" in ev)) return ev;
  const granted = lineUserIds && r.activity ? withGrants(ev.call, lineUserIds, r) : ev.call;
  const call = callSeenBy(granted, userId);
  return call === ev.call ? ev : { ...ev, call };
}

/** `call` with the grants of `r` on it: the same function, on the same facts, as CallViews. */
function withGrants(call: Call, lineUserIds: readonly string[], r: Recipient): Call {
  const user = r.user as NonNullable<Recipient["user"]>;
  const activity = r.activity as ViewerActivity;
  const viewer = coachFacts(user, activity.currentCallId, activity.coachingSessionId);
  const session = call.coachingSession;
  const grants = callGrants(
    viewer,
    call,
    callFacts(call, lineUserIds, session?.coachId ?? null),
    session !== null && agentMayKnow(session, user.id),
  );
  return { ...call, grants, coach: grants.coach };
}
