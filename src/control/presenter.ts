// Turns domain records into the protocol's resources.
import type {
  Call,
  CallQuality,
  CoachingNote,
  CoachingSession,
  Hearing,
  User,
  WidgetCall,
} from "../protocol/resources.ts";
import type { ToldState } from "./agentState.ts";
import { userGrants } from "./grants.ts";
import type {
  CallRecord,
  CommentRecord,
  ContactRecord,
  NoteRecord,
  SessionEventRecord,
  SessionRecord,
  UserRecord,
} from "./model.ts";
import { agentMayKnow, type CallFacts, type CoachFacts } from "./policy.ts";
import { type CallSituation, hearingOf, routingOf, SILENT } from "./routing.ts";

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentUser(
  u: UserRecord,
  liveCallId: string | null,
  coachingSessionId: string | null,
  agent: ToldState,
): User {
  return {
    id: u.id,
    orgId: u.orgId,
    email: u.email,
    name: u.name,
    role: u.role,
    monitoringAccess: u.monitoringAccess,
    availability: u.availability,
    currentCallId: liveCallId,
    coachingSessionId,
    state: agent.state,
    stateSince: agent.since.toISOString(),
    grants: userGrants(u),
  };
}

/**
 * A coach as the agent of their session sees them while not aware of it (SPEC §3: told at join
 * with Notify user, else when the coach first becomes audible): unavailable, as coaching makes
 * them, and not coaching.
 */
export function coachSeenByUnaware(u: User): User {
  return { ...u, coachingSessionId: null, state: "unavailable" };
}

/**
 * Who hears the coach of `s` and whom the coach hears, under the routing the media plane applies
 * for `call` (computeRouting: hold, mute, barge, conference). Nobody, once the session ended.
 */
export function sessionHearing(
  s: Pick<SessionRecord, "mode" | "endedAt">,
  call: CallSituation | null,
): Hearing {
  return hearingOf(call && s.endedAt === null ? routingOf(call, s.mode) : SILENT);
}

/** Coaching notes as resources, with their authors' names (`users`: at least the authors). */
export function presentNotes(notes: NoteRecord[], users: Pick<UserRecord, "id" | "name">[]): CoachingNote[] {
  return notes.map((n) => ({
    id: n.id,
    sessionId: n.sessionId,
    authorId: n.authorId,
    authorName: users.find((u) => u.id === n.authorId)?.name ?? "",
    text: n.text,
    createdAt: n.createdAt.toISOString(),
  }));
}

/**
 * `call`: the session's call as it is now (null: ended, or not at hand: nobody hears anybody);
 * `events` and `notes` may hold other sessions' too (only this one's are kept).
 */
export function presentSession(
  s: SessionRecord,
  coachName: string,
  call: CallSituation | null,
  events: SessionEventRecord[] = [],
  notes: CoachingNote[] = [],
): CoachingSession {
  return {
    id: s.id,
    orgId: s.orgId,
    callId: s.callId,
    coachId: s.coachId,
    coachName,
    agentId: s.agentId,
    mode: s.mode,
    modesUsed: s.modesUsed,
    notifyUser: s.notifyUser,
    openConversation: s.openConversation,
    agentAwareAt: iso(s.agentAwareAt),
    startedAt: s.startedAt.toISOString(),
    endedAt: iso(s.endedAt),
    endReason: s.endReason,
    durationMs: s.endedAt ? s.endedAt.getTime() - s.startedAt.getTime() : null,
    messages: events
      .filter((e) => e.sessionId === s.id && e.kind === "message")
      .map((e) => ({ at: e.at.toISOString(), text: e.detail ?? "" })),
    notes: notes.filter((n) => n.sessionId === s.id),
    hearing: sessionHearing(s, call),
  };
}

export function presentCall(
  c: CallRecord,
  extra: {
    contact: ContactRecord | undefined;
    comments: CommentRecord[];
    session: CoachingSession | null;
    quality?: CallQuality | null;
    queuePosition: number | null;
  },
): Call {
  return {
    id: c.id,
    orgId: c.orgId,
    direction: c.direction,
    state: c.state,
    numberId: c.numberId,
    agentId: c.agentId,
    ringingUserIds: c.ringingUserIds,
    queuedAt: iso(c.queuedAt),
    queuePosition: extra.queuePosition,
    customerNumber: c.customerNumber,
    contactId: extra.contact?.id ?? null,
    contactName: extra.contact?.name ?? null,
    emergency: c.emergency,
    conference: c.conference,
    thirdParty: c.thirdParty,
    externalTransfer: c.externalTransfer,
    transferredTo: c.transferredTo,
    transfer: c.transfer && {
      fromUserId: c.transfer.fromUserId,
      toUserId: c.transfer.toUserId,
      state: c.transfer.state,
      at: c.transfer.at.toISOString(),
    },
    agentMuted: c.agentMuted,
    customerChannel: c.customerChannel,
    tags: c.tags,
    comments: extra.comments.map((k) => ({
      id: k.id,
      authorId: k.authorId,
      text: k.text,
      createdAt: k.createdAt.toISOString(),
    })),
    handRaised: c.handRaised,
    createdAt: c.createdAt.toISOString(),
    answeredAt: iso(c.answeredAt),
    endedAt: iso(c.endedAt),
    endReason: c.endReason,
    coachingSession: extra.session,
    quality: c.state === "ended" ? null : (extra.quality ?? null),
  };
}

/** `call` as `viewerId` may see it: without a coaching session its agent is not yet aware of (agentMayKnow). */
export function callSeenBy(call: Call, viewerId: string): Call {
  const s = call.coachingSession;
  return s && !agentMayKnow(s, viewerId) ? { ...call, coachingSession: null } : call;
}

/** The customer's projection of their call (the widget's REST answers and socket). */
export function presentWidgetCall(
  c: Pick<Call, "id" | "state" | "numberId"> & { queuePosition?: number | null },
): WidgetCall {
  return { id: c.id, state: c.state, numberId: c.numberId, queuePosition: c.queuePosition ?? null };
}

export function callFacts(
  c: Pick<CallRecord, "id" | "state" | "agentId" | "emergency" | "conference" | "externalTransfer">,
  numberUserIds: readonly string[],
  activeCoachId: string | null,
): CallFacts {
  return {
    id: c.id,
    state: c.state,
    agentId: c.agentId,
    numberUserIds,
    emergency: c.emergency,
    conference: c.conference,
    externalTransfer: c.externalTransfer,
    activeCoachId,
  };
}

export function coachFacts(
  u: Pick<UserRecord, "id" | "role" | "monitoringAccess">,
  liveCallId: string | null,
  coachingSessionId: string | null,
): CoachFacts {
  return { id: u.id, role: u.role, monitoringAccess: u.monitoringAccess, liveCallId, coachingSessionId };
}
