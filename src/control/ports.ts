// The ports the control plane declares; storage, the event bus, the media plane and
// the trunks implement them. Control never imports their implementations.
import type { CallCodec } from "../protocol/calls.ts";
import type { IceCandidateInit, ServerEvent } from "../protocol/messages.ts";
import type { CallQuality } from "../protocol/resources.ts";
import type { ToldState } from "./agentState.ts";
import type { AgentActivity, NumberCallCounts, StatsWindow } from "./boardFacts.ts";
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

  // The queue (docs/ARCHITECTURE.md "Queues")
  /** Locks the number's inbound calls waiting with nobody rung, in queue order, skipping locked ones. */
  lockWaitingCalls(numberId: string): Promise<CallRecord[]>;
  /**
   * Locks the users of the number's distribution who could take a call now (available, on no
   * call, rung for none, no call ended after `wrapUpFrom`), longest-idle first, skipping locked ones.
   */
  lockFreeAgents(numberId: string, wrapUpFrom: Date): Promise<UserRecord[]>;
  /** The numbers (of `orgId`, or of every org) with a call waiting for nobody rung. */
  waitingNumbers(orgId: string | null): Promise<WaitingNumber[]>;
  /** The ids of inbound calls not answered past their number's maximum wait. */
  overdueWaitingCalls(now: Date): Promise<string[]>;
  /** Each unanswered inbound call's 1-based position in its number's queue. */
  queuePositions(callIds: string[]): Promise<Map<string, number>>;

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
  /** Forgets the sockets of nodes that stopped (all nodes but `aliveNodeIds`); the users it concerned. */
  forgetSocketsOfNodesBut(aliveNodeIds: string[]): Promise<string[]>;
  /** The live board's counts of an org's inbound calls per number, in one query. */
  numberCallCounts(window: StatsWindow): Promise<NumberCallCounts[]>;

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
  /**
   * Every few seconds, how the legs of each live call whose media is on this node sound
   * (a cluster's nodes each report their own calls; the event bus carries the rest).
   */
  onQuality(listener: (callId: string, quality: CallQuality) => void): () => void;
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
  /** Where the trunk sends calls that arrive and what happens to the far ends (once, at start). */
  serve(calls: TrunkCalls): void;
  close(): Promise<void>;
}

/** The media plane as the WebSocket signalling needs it (browser legs), wherever the call's media is. */
export interface MediaAttach {
  attach(
    callId: string,
    party: Party,
    offerSdp: string,
    codec: CallCodec,
    ownerId: string | null,
    legId: string,
  ): Promise<{ legId: string; answerSdp: string }>;
  /** An ICE restart of a leg: the same leg answers a new offer. */
  restart(callId: string, legId: string, offerSdp: string): Promise<{ legId: string; answerSdp: string }>;
  addCandidate(callId: string, legId: string, candidate: IceCandidateInit | null): Promise<void>;
  closeLeg(callId: string, legId: string): void;
  /** Tells when a leg ends on the media side (call ended, coach left, ICE failed, connection lost). */
  onLegClose(listener: (callId: string, legId: string, reason: string) => void): () => void;
  /** The media side's ICE candidates for a leg, wherever the leg lives. */
  onLegCandidate(
    listener: (callId: string, legId: string, candidate: IceCandidateInit | null) => void,
  ): () => void;
}

/** A network probe (the diagnostic's data-channel leg) as the signalling sees it: something to close. */
export interface ProbeHandle {
  readonly closed: boolean;
  close(reason: "socket_closed"): void;
}

/** This node's media plane as the network diagnostic's probes need it. */
export interface MediaProbe {
  probe(
    offerSdp: string,
    onClose: (probe: ProbeHandle) => void,
  ): Promise<{ probe: ProbeHandle; answerSdp: string }>;
}

/** Where a trunk party's RTP goes (an SDP's connection address and port). */
export interface RtpTarget {
  address: string;
  port: number;
}

/** A trunk party's plain-RTP (G.711) endpoint in a call's media, on this node. */
export interface RtpParty {
  /** The local UDP port, for the SDP. */
  readonly port: number;
  /** 0 = PCMU, 8 = PCMA, as negotiated (an outbound offer learns it from the answer). */
  payloadType: 0 | 8;
  /** The party answered: the early-latch window starts closing. */
  answered(): void;
  /** A new SDP names another address or port. */
  retarget(remote: RtpTarget): void;
  close(reason: string): void;
  /** Packets counted (foreign ones are dropped); DTMF digits arrived, never which. */
  readonly stats: { packetsIn: number; packetsOut: number; dtmf: number; foreignDropped: number };
}

export interface RtpPartyOptions {
  /** Where the SDP says to send; null before the far end's answer names it. */
  remote: RtpTarget | null;
  /** Sources a NAT'd carrier may be latched from (the trunk's allowed addresses). */
  latchFrom: readonly string[];
  payloadType: 0 | 8;
  /** A digit arrived (never which: DTMF carries PINs and card numbers). */
  onDtmf?(): void;
  /** The first packet dropped for its source (later ones are only counted). */
  onForeignSource?(source: RtpTarget): void;
}

/** The media plane as a trunk needs it: RTP parties in the calls this node carries. */
export interface TrunkMedia {
  /** Binds an RTP socket in the trunk's port range and attaches it to the call's media as `party`. */
  openRtpParty(callId: string, party: Party, options: RtpPartyOptions): Promise<RtpParty>;
  /** The party's leg leaves the call's media (it hung up, or we released it). */
  detach(callId: string, party: Party, reason: string): void;
}

/**
 * What a trunk asks of and tells the control plane (control/trunkCalls.ts implements it over
 * Calls; the trunk is given it once with Trunk.serve, before it takes calls). Reports are
 * fire-and-forget: their failures are logged on the control side.
 */
export interface TrunkCalls {
  /** The id of the number whose E.164 is `did` (carriers send it with or without "+"), if any. */
  numberOfDid(did: string): Promise<string | null>;
  /** A call to the number from `from`: its new ringing call (EarshotError number_busy, or another). */
  inbound(numberId: string, from: string): Promise<CallRecord>;
  farEndHangup(callId: string): void;
  farEndAnswered(callId: string): void;
  thirdPartyAnswered(callId: string): void;
  thirdPartyLeft(callId: string): void;
}
