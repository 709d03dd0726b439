// Domain records as the control plane stores and reads them (camelCase, dates as Date).
import type {
  Availability,
  CallDirection,
  CallState,
  CoachingEndReason,
  CoachingMode,
  CustomerChannel,
  MonitoringAccess,
  Role,
} from "../protocol/resources.ts";
import type { TransferState } from "../protocol/transfers.ts";

export interface UserRecord {
  id: string;
  orgId: string;
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  monitoringAccess: MonitoringAccess;
  availability: Availability;
  /** When the user last became available or ended a call (longest-idle first); null: never. */
  idleSince: Date | null;
}

export interface NumberRecord {
  id: string;
  orgId: string;
  name: string;
  e164: string;
  userIds: string[];
  /** How long an inbound call may wait for an agent before it ends (queue_timeout), seconds. */
  maxWaitS: number;
}

export interface ContactRecord {
  id: string;
  orgId: string;
  name: string;
  phoneNumbers: string[];
  company: string | null;
  notes: string | null;
}

export type { CustomerChannel };

export interface CallRecord {
  id: string;
  orgId: string;
  direction: CallDirection;
  state: CallState;
  numberId: string;
  agentId: string | null;
  ringingUserIds: string[];
  customerNumber: string;
  contactId: string | null;
  emergency: boolean;
  conference: boolean;
  externalTransfer: boolean;
  transferredTo: string | null;
  agentMuted: boolean;
  customerChannel: CustomerChannel;
  tags: string[];
  handRaised: boolean;
  createdAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  /** The server process carrying the call: its audio, ring timer and phone line live there. */
  nodeId: string | null;
  /** A conference's third party (their number) while they are on the call. */
  thirdParty: string | null;
  /** Inbound: when the customer began waiting for an agent (the queue's order); null for outbound. */
  queuedAt: Date | null;
  /**
   * The customer's wait before the call was last requeued (ms, summed over each wait that ended
   * in an answer); null: never requeued, the wait is from createdAt. The board's speed of answer
   * is this plus the last wait, from queuedAt (docs/ARCHITECTURE.md, "The live board").
   */
  earlierWaitMs: number | null;
  /** A transfer to another user: ringing, or how the last one returned (null: none, or accepted). */
  transfer: TransferRecord | null;
}

/** A call's transfer to a user (protocol/transfers.ts CallTransfer, and whether to resume on return). */
export interface TransferRecord {
  fromUserId: string;
  toUserId: string;
  state: TransferState;
  /** When it began ringing, or when it returned. */
  at: Date;
  /** The call was on hold already when the transfer began: it stays on hold when it returns. */
  wasOnHold: boolean;
}

export interface CommentRecord {
  id: string;
  callId: string;
  authorId: string;
  text: string;
  createdAt: Date;
}

export interface SessionRecord {
  id: string;
  orgId: string;
  callId: string;
  coachId: string;
  agentId: string;
  mode: CoachingMode;
  modesUsed: CoachingMode[];
  notifyUser: boolean;
  openConversation: boolean;
  coachPrevAvailability: Availability;
  agentAwareAt: Date | null;
  startedAt: Date;
  endedAt: Date | null;
  endReason: CoachingEndReason | null;
}

export interface SessionEventRecord {
  sessionId: string;
  at: Date;
  kind: "started" | "mode_changed" | "message" | "ended";
  detail: string | null;
}

/** A supervisor's note on a coaching session (coaching_notes), left after the call ended. */
export interface NoteRecord {
  id: string;
  sessionId: string;
  authorId: string;
  text: string;
  createdAt: Date;
}

/**
 * A page of the call history: an org's calls, newest first, narrowed by agent, contact or number;
 * `before` continues after a previous page (CallHistory.ts reads the cursor).
 */
export interface HistoryFilter {
  orgId: string;
  agentId?: string;
  contactId?: string;
  numberId?: string;
  /** Calls created before `at` (microseconds kept), or at `at` with an id below `id`. */
  before?: { at: string; id: string | null };
  limit: number;
}

/** A history page as the store reads it: each call with its exact creation time (the cursor). */
export interface HistoryRows {
  calls: CallRecord[];
  /** The cursor after the last call, when there may be more (the page was full). */
  next: string | null;
}

export interface SessionFilter {
  orgId: string;
  coachId?: string;
  agentId?: string;
  callId?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

export const WEBHOOK_EVENTS = [
  "coaching.started",
  "coaching.mode_changed",
  "coaching.ended",
  "call.started",
  "call.ended",
  "hand.raised",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookRecord {
  id: string;
  orgId: string;
  url: string;
  /** The HMAC key; shown to the admin once, at creation. */
  secret: string;
  events: WebhookEvent[];
  createdAt: Date;
  lastStatus: string | null;
  lastAttemptAt: Date | null;
}
