// The ports the control plane declares; storage, the event bus, the media plane and
// the trunks implement them. Control never imports their implementations.
import type { CallCodec } from "../protocol/calls.ts";
import type { ServerEvent } from "../protocol/messages.ts";
import type {
  CallRecord,
  CommentRecord,
  ContactRecord,
  NumberRecord,
  SessionEventRecord,
  SessionFilter,
  SessionRecord,
  UserRecord,
  WebhookRecord,
} from "./model.ts";
import type { Party, Routing } from "./routing.ts";

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

  /** An org's webhooks, each with its signing secret (stored sealed, opened here). */
  listWebhooks(orgId: string): Promise<WebhookRecord[]>;
  /** Webhooks of every org (start-up: EARSHOT_SECRET is required once there is one). */
  countWebhooks(): Promise<number>;
  insertWebhook(w: Omit<WebhookRecord, "createdAt" | "lastStatus" | "lastAttemptAt">): Promise<void>;
  deleteWebhook(id: string): Promise<void>;
  recordWebhookAttempt(id: string, status: string, at: Date): Promise<void>;
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
}

/** Cross-node event fan-out: in-process on one machine, Redis pub/sub beyond. */
export interface EventBus {
  publish(envelope: Envelope): void;
  subscribe(listener: (envelope: Envelope) => void): () => void;
  close(): Promise<void>;
}

/** The media plane as the control plane drives it. */
export interface MediaPort {
  /** Prepares the call's media (codec chosen by how the customer is connected). */
  openCall(callId: string, codec: CallCodec): void;
  /** Applies a routing computed by computeRouting(); takes effect on the next packet. */
  applyRouting(callId: string, routing: Routing): void;
  /** Plays a server-side party (the demo network's simulated customer or callee). */
  attachSynthetic(callId: string, party: Party): void;
  detach(callId: string, party: Party, reason: string): void;
  /** Detaches `party`'s leg unless `userId` attached it (a standby coach leg of someone else). */
  releaseUnlessOwner(callId: string, party: Party, userId: string): void;
  closeCall(callId: string, reason: string): void;
}

/** What the control plane tells a trunk about calls it carries. */
export interface Trunk {
  readonly channel: "demo" | "sip";
  /** An outbound call was placed: connect it to `to` and call `answered` when the far end picks up. */
  dial(call: CallRecord, answered: () => void): void;
  /** An inbound call was answered by an agent: connect the far end. */
  answered(call: CallRecord): void;
  /** The call was transferred to an external number. */
  transferExternal(call: CallRecord, to: string): void;
  /**
   * Calls `number` into the call as its third party (a conference: it takes the coach's
   * position in the media); `answered` when it picks up, `left` when it hangs up or cannot be
   * reached (only its leg ends; the call goes on).
   */
  addParty(call: CallRecord, number: string, events: { answered(): void; left(): void }): void;
  /** The call ended on our side (agent hung up, ring timeout): release the far end. */
  hangup(call: CallRecord): void;
  /** The call was put on hold / resumed. */
  hold(call: CallRecord, onHold: boolean): void;
  close(): Promise<void>;
}
