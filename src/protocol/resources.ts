// Resource types shared by the server and the web app. This module imports only its siblings.

import type { CallGrants, Grant, UserGrants } from "./grants.ts";
import type { CallQuality } from "./quality.ts";
import type { CallTransfer } from "./transfers.ts";

export type { CallGrants, Grant, SessionEndingGrant, UserGrants } from "./grants.ts";
export type { CallQuality, LegQuality } from "./quality.ts";

export type Role = "admin" | "supervisor" | "agent";
export const ROLES: readonly Role[] = ["admin", "supervisor", "agent"];

export type MonitoringAccess = "none" | "live_monitoring" | "live_monitoring_plus";
export const MONITORING_ACCESS: readonly MonitoringAccess[] = [
  "none",
  "live_monitoring",
  "live_monitoring_plus",
];

export type Availability = "available" | "unavailable";

/**
 * What an agent is doing now (control/agentState.ts decides it from their facts): the first
 * that holds of coaching, on hold, on a call, ringing, offline (no socket open), wrap-up (a
 * call ended less than the wrap-up time ago), unavailable, available.
 */
export type AgentState =
  | "available"
  | "ringing"
  | "on_call"
  | "on_hold"
  | "coaching"
  | "wrap_up"
  | "unavailable"
  | "offline";
export const AGENT_STATES: readonly AgentState[] = [
  "available",
  "ringing",
  "on_call",
  "on_hold",
  "coaching",
  "wrap_up",
  "unavailable",
  "offline",
];

export type CallState = "ringing" | "in_progress" | "on_hold" | "ended";
export type CallDirection = "inbound" | "outbound";

export type CoachingMode = "listen" | "whisper" | "barge";
export const COACHING_MODES: readonly CoachingMode[] = ["listen", "whisper", "barge"];

/** Why a coaching session ended. */
export type CoachingEndReason =
  | "coach_left"
  | "removed_by_admin"
  | "call_ended"
  | "transferred"
  | "conference"
  | "external_transfer"
  /** The coach's audio leg lost its network path and no ICE restart restored it in time. */
  | "connection_lost"
  /** The coach's role, monitoring access or line distribution no longer allows the session. */
  | "permission_changed"
  /** The agent's softphone disappeared (every tab, or their audio): the call went back to its queue. */
  | "agent_disconnected";

/** Why a call ended. */
export type CallEndReason =
  | "hangup_agent"
  | "hangup_customer"
  /** Kept for calls that ended so before queues: a ring timeout now returns the call to its queue. */
  | "missed"
  /** The customer hung up before an agent answered (while waiting in the queue or ringing). */
  | "abandoned"
  /** Nobody answered within the number's maximum wait (PhoneNumber.maxWaitS). */
  | "queue_timeout"
  | "transferred_external_completed"
  /** The server carrying the call stopped while it rang or was live (its audio and phone line went with it). */
  | "server_stopped"
  /**
   * The customer's or the agent's audio leg lost its network path and no ICE restart restored
   * it within the reconnection grace period (EARSHOT_MEDIA_RECONNECT_GRACE_S).
   */
  | "connection_lost"
  /** The media worker carrying the call's audio failed (EARSHOT_MEDIA_WORKERS); it was restarted. */
  | "media_failed";

export interface User {
  id: string;
  orgId: string;
  email: string;
  name: string;
  role: Role;
  monitoringAccess: MonitoringAccess;
  availability: Availability;
  /** The live call the user is on, as agent, if any. */
  currentCallId: string | null;
  /** The coaching session the user is running, as coach, if any. */
  coachingSessionId: string | null;
  /** What the user is doing now, and since when (ISO time). */
  state: AgentState;
  stateSince: string;
  /** What this user may do (from their role and monitoring access). */
  grants: UserGrants;
}

export interface PhoneNumber {
  id: string;
  orgId: string;
  name: string;
  /** E.164 phone number (the DID for a SIP trunk). */
  e164: string;
  /** The line distribution: users who ring for inbound calls and whom supervisors may coach. */
  userIds: string[];
  /** How long an inbound call may wait for an agent before it ends with queue_timeout, in seconds. */
  maxWaitS: number;
}

export interface Contact {
  id: string;
  orgId: string;
  name: string;
  phoneNumbers: string[];
  company: string | null;
  notes: string | null;
}

export interface CallComment {
  id: string;
  authorId: string;
  text: string;
  createdAt: string;
}

/** How the customer is connected: demo network, web widget or SIP trunk. */
export type CustomerChannel = "demo" | "widget" | "sip";

export interface Call {
  id: string;
  orgId: string;
  direction: CallDirection;
  state: CallState;
  numberId: string;
  agentId: string | null;
  /** Users ringing for this call (inbound, state ringing); empty while it waits in the queue for a free agent. */
  ringingUserIds: string[];
  /** Inbound: when the customer began waiting for an agent (the wait is now − queuedAt until answeredAt). */
  queuedAt: string | null;
  /** An unanswered inbound call's 1-based place in its number's queue (ringing ones count); null otherwise. */
  queuePosition: number | null;
  customerNumber: string;
  contactId: string | null;
  contactName: string | null;
  emergency: boolean;
  conference: boolean;
  /** The number of the conference's third party while they are on the call (null once they left). */
  thirdParty: string | null;
  externalTransfer: boolean;
  /** The external number the call was transferred to, if any. */
  transferredTo: string | null;
  /** A transfer to another user: ringing, or how the last one returned (null: none, or accepted). */
  transfer: CallTransfer | null;
  agentMuted: boolean;
  customerChannel: CustomerChannel;
  tags: string[];
  comments: CallComment[];
  handRaised: boolean;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  coachingSession: CoachingSession | null;
  /** The last measured quality of each leg (live calls; null before the first measure, and once ended). */
  quality: CallQuality | null;
  /**
   * Present in history reads (GET /calls without live=true): every coaching session of the call
   * the viewer may know of, oldest first, each with its coaching notes (absent elsewhere).
   */
  coachingSessions?: CoachingSession[];
  /** Present in API answers: what the requesting user may do on this call (absent in events). */
  grants?: CallGrants;
  /**
   * SPEC §6's name for `grants.coach` (the same object): whether the requesting user may coach
   * this call, and if not why. Kept because clients rely on the SPEC's field names.
   */
  coach?: Grant;
}

/**
 * The customer's own call, as their widget learns it (SPEC §7): its state and what the widget
 * shows, nothing about the organisation, its users or supervision.
 */
export interface WidgetCall {
  id: string;
  state: CallState;
  /** The number the customer called (the widget's page names it). */
  numberId: string;
  /** While nobody has answered: the customer's place in the queue (1: next). */
  queuePosition: number | null;
}

export interface CoachingSession {
  id: string;
  orgId: string;
  callId: string;
  coachId: string;
  coachName: string;
  agentId: string;
  mode: CoachingMode;
  modesUsed: CoachingMode[];
  notifyUser: boolean;
  openConversation: boolean;
  /** Set the first time the coach became audible to the agent (whisper or barge). */
  agentAwareAt: string | null;
  startedAt: string;
  endedAt: string | null;
  endReason: CoachingEndReason | null;
  durationMs: number | null;
  messages: CoachingMessage[];
  /** What supervisors wrote about the session after the call ended, oldest first (the audit keeps them). */
  notes: CoachingNote[];
  /** Who hears the coach, and whom the coach hears, right now (the call's routing: hold and mute included). */
  hearing: Hearing;
}

/** The audio of a coaching session as the media plane routes it now (control/routing.ts). */
export interface Hearing {
  agentHearsCoach: boolean;
  customerHearsCoach: boolean;
  coachHearsCustomer: boolean;
  coachHearsAgent: boolean;
}

export interface CoachingMessage {
  at: string;
  text: string;
}

/** A supervisor's note on a coaching session, left after its call ended. */
export interface CoachingNote {
  id: string;
  sessionId: string;
  authorId: string;
  authorName: string;
  text: string;
  createdAt: string;
}

export interface ApiError {
  error: {
    code: string;
    message: string;
    /** validation_failed: the first field that broke a rule ("email", "password", …). */
    field?: string;
    /** validation_failed: the JSON Schema rule it broke (minLength, maxLength, format, pattern, required, …). */
    rule?: string;
    /** validation_failed: the rule's limit, where it has one (minLength 3 → 3). */
    limit?: number;
  };
}
