// The ports the control plane declares for storage, the event bus and logging; the media
// plane's and the trunks' are in mediaPorts.ts. Control never imports their implementations.
import type { ServerEvent } from "../protocol/messages.ts";
import type { ToldState } from "./agentState.ts";
import type {
  AgentActivity,
  NumberCallCounts,
  SettledCounts,
  SettledWindow,
  StatsWindow,
} from "./boardFacts.ts";
import type {
  CallRecord,
  CommentRecord,
  ContactRecord,
  HistoryFilter,
  HistoryRows,
  NoteRecord,
  NumberRecord,
  SessionEventRecord,
  SessionFilter,
  SessionRecord,
  UserRecord,
  WebhookRecord,
} from "./model.ts";

/** Thrown by a Store when a unique constraint refuses a write; `constraint` names it. */
export class UniqueViolation extends Error {
  constructor(readonly constraint: string) {
    super(`unique constraint ${constraint} violated`);
    this.name = "UniqueViolation";
  }
}

export interface Store {
  /** Runs `fn` in one database transaction. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Locks the call's row until the transaction ends (serialises changes to one call across nodes). */
  lockCall(id: string): Promise<CallRecord | undefined>;
  /** Locks the number's row until the transaction ends (serialises new calls to one number across nodes). */
  lockNumber(id: string): Promise<void>;
  /** How many inbound calls to the number are ringing now. */
  countRingingCalls(orgId: string, numberId: string): Promise<number>;
  /** Locks the user's row until the transaction ends (a coaching start against a permission change). */
  lockUser(id: string): Promise<UserRecord | undefined>;
  /** Locks the rows of the number's calls that have not ended, in id order. */
  lockLiveCallsOfNumber(numberId: string): Promise<CallRecord[]>;

  // The queue (docs/ARCHITECTURE.md "Queues")
  /** Locks the number's inbound calls waiting with nobody rung, in queue order, skipping locked ones. */
  lockWaitingCalls(numberId: string): Promise<CallRecord[]>;
  /**
   * Locks the users of the number's distribution who could take a call now (available, on no
   * call, rung for none, offered no transfer, no call ended after `wrapUpFrom`), longest-idle first, skipping locked ones.
   */
  lockFreeAgents(numberId: string, wrapUpFrom: Date): Promise<UserRecord[]>;
  /** The numbers (of `orgId`, or of every org) with a call waiting for nobody rung. */
  waitingNumbers(orgId: string | null): Promise<WaitingNumber[]>;
  /** The ids of inbound calls not answered past their number's maximum wait. */
  overdueWaitingCalls(now: Date): Promise<string[]>;
  /** The ids of unended calls whose transfer has rung since before `offeredBefore` (Transfers' sweep). */
  overdueTransfers(offeredBefore: Date): Promise<string[]>;
  /** Each unanswered inbound call's 1-based position in its number's queue. */
  queuePositions(callIds: string[]): Promise<Map<string, number>>;
  /** The user's last socket closed at `at` (null: a socket of theirs is open again). */
  markOffline(userId: string, at: Date | null): Promise<void>;
  /** The live calls whose agent has had no socket on any node since `before` or earlier (AgentGone.ts). */
  callsOfAgentsOfflineSince(before: Date): Promise<string[]>;
  /** Whether the user has a socket open on any node. */
  isOnline(userId: string): Promise<boolean>;

  insertOrg(org: { id: string; name: string }): Promise<void>;
  listOrgs(): Promise<{ id: string; name: string }[]>;
  countUsers(): Promise<number>;

  getUser(id: string): Promise<UserRecord | undefined>;
  getUserByEmail(email: string): Promise<UserRecord | undefined>;
  listUsers(orgId: string): Promise<UserRecord[]>;
  getUsers(ids: string[]): Promise<UserRecord[]>;
  insertUser(user: UserRecord): Promise<void>;
  updateUser(id: string, patch: Partial<Omit<UserRecord, "id" | "orgId">>): Promise<void>;
  deleteUser(id: string): Promise<void>;

  insertToken(tokenHash: string, userId: string, expiresAt: Date): Promise<void>;
  /** The user a live (unexpired) token belongs to. */
  userForToken(tokenHash: string, now: Date): Promise<UserRecord | undefined>;
  /** Deletes a token; returns the id of the user it belonged to, if it existed. */
  deleteToken(tokenHash: string): Promise<string | undefined>;
  /** Deletes every token of the user but `exceptTokenHash`; returns how many. */
  deleteTokensOfUser(userId: string, exceptTokenHash?: string): Promise<number>;
  purgeExpiredTokens(now: Date): Promise<number>;
  /** Removes every set-up link and, given a hash, stores it as the only one. */
  replaceSetupTokens(tokenHash: string | null): Promise<void>;
  /** Consumes a set-up link: true when it existed (it is gone afterwards). */
  takeSetupToken(tokenHash: string): Promise<boolean>;

  listNumbers(orgId: string): Promise<NumberRecord[]>;
  getNumber(id: string): Promise<NumberRecord | undefined>;
  getNumberByE164(e164: string): Promise<NumberRecord | undefined>;
  insertNumber(n: NumberRecord): Promise<void>;
  updateNumber(id: string, patch: Partial<Omit<NumberRecord, "id" | "orgId">>): Promise<void>;
  deleteNumber(id: string): Promise<void>;

  listContacts(orgId: string): Promise<ContactRecord[]>;
  getContacts(ids: string[]): Promise<ContactRecord[]>;
  getContact(id: string): Promise<ContactRecord | undefined>;
  findContactByPhone(orgId: string, phone: string): Promise<ContactRecord | undefined>;
  insertContact(c: ContactRecord): Promise<void>;
  updateContact(id: string, patch: Partial<Omit<ContactRecord, "id" | "orgId">>): Promise<void>;
  deleteContact(id: string): Promise<void>;

  /** The activity of these users (presence, ringing, last call's end, state told). */
  agentActivity(userIds: string[]): Promise<AgentActivity[]>;
  /** Stores the state told unless it is the one stored already. */
  recordAgentState(userId: string, told: ToldState): Promise<void>;
  /** One socket of the user opened (+1) or closed (-1) on `nodeId`; true when they came online or went offline. */
  countSocket(userId: string, nodeId: string, delta: 1 | -1): Promise<boolean>;
  /** The nodes other than `nodeId` that have sockets counted. */
  presenceNodes(exceptNodeId: string): Promise<string[]>;
  /** Forgets the sockets counted on these (stopped) nodes; the users now online on no node. */
  forgetSocketsOfNodes(nodeIds: string[]): Promise<string[]>;
  /** The live board's counts of an org's inbound calls per number, in one query. */
  numberCallCounts(window: StatsWindow): Promise<NumberCallCounts[]>;
  /** The day's counts per number of the inbound calls that ended within the window. */
  settledCallCounts(window: SettledWindow): Promise<SettledCounts[]>;

  insertCall(call: Omit<CallRecord, "createdAt">): Promise<void>;
  getCall(id: string): Promise<CallRecord | undefined>;
  /** The org's calls, newest first; `unended`: only those not ended (ringing, in progress, on hold). */
  listCalls(orgId: string, opts: { unended: boolean; limit: number }): Promise<CallRecord[]>;
  /** Calls not ended, across all orgs (for start-up recovery). */
  listUnendedCalls(): Promise<CallRecord[]>;
  updateCall(id: string, patch: Partial<Omit<CallRecord, "id" | "orgId">>): Promise<void>;
  liveCallOfAgent(userId: string): Promise<CallRecord | undefined>;
  listComments(callIds: string[]): Promise<CommentRecord[]>;
  insertComment(c: Omit<CommentRecord, "createdAt">): Promise<void>;

  insertSession(s: Omit<SessionRecord, "startedAt">): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  activeSessionOfCall(callId: string): Promise<SessionRecord | undefined>;
  activeSessionOfCoach(coachId: string): Promise<SessionRecord | undefined>;
  activeSessionsOfCalls(callIds: string[]): Promise<SessionRecord[]>;
  updateSession(id: string, patch: Partial<Omit<SessionRecord, "id" | "orgId">>): Promise<void>;
  listSessions(filter: SessionFilter): Promise<SessionRecord[]>;
  insertSessionEvent(e: Omit<SessionEventRecord, "at">): Promise<void>;
  listSessionEvents(sessionIds: string[]): Promise<SessionEventRecord[]>;

  // The call history and coaching notes (storage/HistoryQueries.ts)
  /** A page of an org's calls, newest first (created_at, id), narrowed by the filter. */
  callHistory(filter: HistoryFilter): Promise<HistoryRows>;
  /** Every coaching session of these calls, ended ones included, oldest first. */
  sessionsOfCalls(callIds: string[]): Promise<SessionRecord[]>;
  insertNote(note: NoteRecord): Promise<void>;
  /** The notes of these sessions, oldest first. */
  listNotes(sessionIds: string[]): Promise<NoteRecord[]>;

  /** An org's webhooks, each with its signing secret (stored sealed, opened here). */
  listWebhooks(orgId: string): Promise<WebhookRecord[]>;
  /** Webhooks of every org (start-up: EARSHOT_SECRET is required once there is one). */
  countWebhooks(): Promise<number>;
  insertWebhook(w: Omit<WebhookRecord, "createdAt" | "lastStatus" | "lastAttemptAt">): Promise<void>;
  deleteWebhook(id: string): Promise<void>;
  recordWebhookAttempt(id: string, status: string, at: Date): Promise<void>;
}

export interface WaitingNumber {
  numberId: string;
  orgId: string;
}

/** Who receives an event on the WebSocket channel. */
export interface Audience {
  orgId: string;
  /** These users. */
  userIds?: string[];
  /** Every user of the org who may use Live Monitoring. */
  monitors?: boolean;
  /** Every user of the org. */
  everyone?: boolean;
  /** The customer's widget connection of this call. */
  callId?: string;
  /** Only the connections signed in with this token (SHA-256 hash). */
  tokenHash?: string;
  /** Not the connections signed in with this token (SHA-256 hash). */
  exceptTokenHash?: string;
}

export interface Envelope {
  audience: Audience;
  event: ServerEvent;
  /**
   * With a user.updated of a coach: the session they run. Its agent, while not aware of it,
   * sees the coach as not coaching (delivery.ts, as GET /users does).
   */
  coaching?: { agentId: string; agentAwareAt: string | null };
  /**
   * With an event that carries a call: its number's line distribution, the one fact of the call
   * its grants need beyond the resource, so each recipient gets the call with their grants on it
   * (delivery.ts) and a page need not read the calls again after an event.
   */
  lineUserIds?: string[];
}

/** Cross-node event fan-out: in-process on one machine, Redis pub/sub beyond. */
export interface EventBus {
  publish(envelope: Envelope): void;
  subscribe(listener: (envelope: Envelope) => void): () => void;
  close(): Promise<void>;
}

/**
 * Where a part reports what it cannot hand back to a caller (pino's call shape: fields first,
 * then the message). Made once at the composition root (src/logger.ts) and injected: the
 * control plane gets it in its context, the media plane and the trunks in their options.
 * Fields never carry secrets or personal data (tokens, passwords, phone numbers, digits).
 */
export interface Logger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}
