// Row ↔ record mapping between SQL (snake_case, JSON columns) and the domain.

import type { Selectable } from "kysely";
import type {
  CallRecord,
  CommentRecord,
  ContactRecord,
  SessionEventRecord,
  SessionRecord,
  TransferRecord,
  UserRecord,
} from "../control/model.ts";
import type {
  CallCommentsTable,
  CallsTable,
  CoachingEventsTable,
  CoachingSessionsTable,
  ContactsTable,
  UsersTable,
} from "./schema.ts";

/** JSON columns come back parsed from PostgreSQL and PGlite alike; accept a string too. */
export function json<T>(v: unknown): T {
  return (typeof v === "string" ? JSON.parse(v) : v) as T;
}

const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null): Date | null => (v === null ? null : date(v));

export function userFromRow(r: Selectable<UsersTable>): UserRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    email: r.email,
    name: r.name,
    passwordHash: r.password_hash,
    role: r.role as UserRecord["role"],
    monitoringAccess: r.monitoring_access as UserRecord["monitoringAccess"],
    availability: r.availability as UserRecord["availability"],
    idleSince: dateOrNull(r.idle_since),
  };
}

export function contactFromRow(r: Selectable<ContactsTable>): ContactRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    phoneNumbers: json<string[]>(r.phone_numbers),
    company: r.company,
    notes: r.notes,
  };
}

export function callFromRow(r: Selectable<CallsTable>): CallRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    direction: r.direction as CallRecord["direction"],
    state: r.state as CallRecord["state"],
    numberId: r.number_id,
    agentId: r.agent_id,
    ringingUserIds: json<string[]>(r.ringing_user_ids),
    customerNumber: r.customer_number,
    contactId: r.contact_id,
    emergency: r.emergency,
    conference: r.conference,
    externalTransfer: r.external_transfer,
    transferredTo: r.transferred_to,
    agentMuted: r.agent_muted,
    customerChannel: r.customer_channel as CallRecord["customerChannel"],
    tags: json<string[]>(r.tags),
    handRaised: r.hand_raised,
    createdAt: date(r.created_at),
    answeredAt: dateOrNull(r.answered_at),
    endedAt: dateOrNull(r.ended_at),
    endReason: r.end_reason,
    nodeId: r.node_id,
    thirdParty: r.third_party,
    queuedAt: dateOrNull(r.queued_at),
    earlierWaitMs: r.earlier_wait_ms === null ? null : Number(r.earlier_wait_ms),
    transfer:
      r.transfer_from_id && r.transfer_to_id && r.transfer_state && r.transfer_at
        ? {
            fromUserId: r.transfer_from_id,
            toUserId: r.transfer_to_id,
            state: r.transfer_state as TransferRecord["state"],
            at: date(r.transfer_at),
            wasOnHold: r.transfer_was_on_hold,
          }
        : null,
  };
}

/** A call's transfer as its five columns (all null, and false, for none). */
function transferToRow(t: TransferRecord | null): Record<string, unknown> {
  return {
    transfer_from_id: t?.fromUserId ?? null,
    transfer_to_id: t?.toUserId ?? null,
    transfer_state: t?.state ?? null,
    transfer_at: t?.at ?? null,
    transfer_was_on_hold: t?.wasOnHold ?? false,
  };
}

export function callToRow(c: Partial<Omit<CallRecord, "createdAt">>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const map: [keyof CallRecord, string, ((v: never) => unknown)?][] = [
    ["id", "id"],
    ["orgId", "org_id"],
    ["direction", "direction"],
    ["state", "state"],
    ["numberId", "number_id"],
    ["agentId", "agent_id"],
    ["ringingUserIds", "ringing_user_ids", JSON.stringify],
    ["customerNumber", "customer_number"],
    ["contactId", "contact_id"],
    ["emergency", "emergency"],
    ["conference", "conference"],
    ["externalTransfer", "external_transfer"],
    ["transferredTo", "transferred_to"],
    ["agentMuted", "agent_muted"],
    ["customerChannel", "customer_channel"],
    ["tags", "tags", JSON.stringify],
    ["handRaised", "hand_raised"],
    ["answeredAt", "answered_at"],
    ["endedAt", "ended_at"],
    ["endReason", "end_reason"],
    ["nodeId", "node_id"],
    ["thirdParty", "third_party"],
    ["queuedAt", "queued_at"],
    ["earlierWaitMs", "earlier_wait_ms"],
  ];
  for (const [key, column, convert] of map) {
    if (key in c) {
      const v = (c as Record<string, unknown>)[key];
      row[column] = convert ? convert(v as never) : v;
    }
  }
  if ("transfer" in c) Object.assign(row, transferToRow(c.transfer ?? null));
  return row;
}

export function commentFromRow(r: Selectable<CallCommentsTable>): CommentRecord {
  return { id: r.id, callId: r.call_id, authorId: r.author_id, text: r.text, createdAt: date(r.created_at) };
}

export function sessionFromRow(r: Selectable<CoachingSessionsTable>): SessionRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    callId: r.call_id,
    coachId: r.coach_id,
    agentId: r.agent_id,
    mode: r.mode as SessionRecord["mode"],
    modesUsed: json<SessionRecord["modesUsed"]>(r.modes_used),
    notifyUser: r.notify_user,
    openConversation: r.open_conversation,
    coachPrevAvailability: r.coach_prev_availability as SessionRecord["coachPrevAvailability"],
    agentAwareAt: dateOrNull(r.agent_aware_at),
    startedAt: date(r.started_at),
    endedAt: dateOrNull(r.ended_at),
    endReason: r.end_reason as SessionRecord["endReason"],
  };
}

export function sessionToRow(s: Partial<Omit<SessionRecord, "startedAt">>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const map: [keyof SessionRecord, string][] = [
    ["id", "id"],
    ["orgId", "org_id"],
    ["callId", "call_id"],
    ["coachId", "coach_id"],
    ["agentId", "agent_id"],
    ["mode", "mode"],
    ["notifyUser", "notify_user"],
    ["openConversation", "open_conversation"],
    ["coachPrevAvailability", "coach_prev_availability"],
    ["agentAwareAt", "agent_aware_at"],
    ["endedAt", "ended_at"],
    ["endReason", "end_reason"],
  ];
  for (const [key, column] of map) if (key in s) row[column] = (s as Record<string, unknown>)[key];
  if (s.modesUsed) row.modes_used = JSON.stringify(s.modesUsed);
  return row;
}

export function sessionEventFromRow(r: Selectable<CoachingEventsTable>): SessionEventRecord {
  return {
    sessionId: r.session_id,
    at: date(r.at),
    kind: r.kind as SessionEventRecord["kind"],
    detail: r.detail,
  };
}
