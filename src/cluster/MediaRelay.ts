// The media plane of a cluster (REDIS_URL set): each call's media lives on one node, its
// owner, and whatever node an API request or a WebSocket lands on, what it asks of that call's
// media reaches the owner. The owner is the node that opened the call (Redis key, SET NX);
// commands go to its channel over Redis pub/sub in the order they were given, a browser's
// offer waits for the owner's answer (a NodeLink request), and the end of a leg is told to
// every node (the WebSocket of the leg's user may be on any of them). On the owner itself
// nothing leaves the process. A node that is gone takes its calls' media with it; offers for
// them fail clearly.
import { randomUUID } from "node:crypto";
import type { MediaAttach, MediaPort } from "../control/mediaPorts.ts";
import type { Logger } from "../control/ports.ts";
import type { Party, Routing } from "../control/routing.ts";
import {
  MediaAnswer,
  type MediaCommand,
  MediaMessage,
  type NodeMedia,
  runCommand,
} from "../media/commands.ts";
import type { MediaCodec } from "../media/MediaTypes.ts";
import { notify } from "../media/plane.ts";
import type { IceCandidateInit } from "../protocol/messages.ts";
import type { CallQuality } from "../protocol/resources.ts";
import { LegCandidate, LegClosed } from "./mediaCommands.ts";
import { decode, NodeLink } from "./NodeLink.ts";
import { RedisChannels } from "./redis.ts";

const PREFIX = "earshot:media";
const LEG_CLOSED = `${PREFIX}:legclosed`;
/** The owner's ICE candidates for its legs: every node hears them (the leg's socket may be on any). */
const LEG_CANDIDATE = `${PREFIX}:legcandidate`;
/** An owner key outlives any call; the node that closes the call deletes it. */
const OWNER_TTL_S = 24 * 3600;
/** Owners remembered per node (oldest forgotten first; a miss costs one GET). */
const OWNER_CACHE = 10_000;

type LegCloseListener = (callId: string, legId: string, reason: string) => void;
type LegCandidateListener = (callId: string, legId: string, candidate: IceCandidateInit | null) => void;

export interface MediaRelayOptions {
  /** This node's id in the cluster (the same as the control plane's). */
  nodeId?: string;
  /** How long an offer waits for the owner's answer. */
  attachTimeoutMs?: number;
  log: Logger;
}

const nodeChannel = (nodeId: string) => `${PREFIX}:node:${nodeId}`;

export class MediaRelay implements MediaPort, MediaAttach {
  readonly #channels: RedisChannels;
  readonly #link: NodeLink<typeof MediaMessage, typeof MediaAnswer>;
  readonly #log: Logger;
  readonly #owners = new Map<string, string>();
  /** Commands of a call waiting for its owner to be known, in order. */
  readonly #queues = new Map<string, Promise<void>>();
  readonly #listeners = new Set<LegCloseListener>();
  readonly #candidateListeners = new Set<LegCandidateListener>();

  private constructor(
    readonly plane: NodeMedia,
    readonly nodeId: string,
    channels: RedisChannels,
    options: MediaRelayOptions,
  ) {
    this.#channels = channels;
    this.#log = options.log;
    this.#link = new NodeLink({
      nodeId,
      what: "media relay",
      channelOf: nodeChannel,
      publish: (channel, message) => channels.publish(channel, message),
      message: MediaMessage,
      reply: MediaAnswer,
      // A command or an offer sent here because this node owns the call.
      handle: (m) => this.#local(m),
      timeoutMs: options.attachTimeoutMs ?? 10_000,
      noAnswer: "the call's media node did not answer; it may have stopped",
      log: options.log,
    });
    // The legs of calls owned here end here: every node hears of it.
    plane.onLegClose((callId, legId, reason) => channels.publish(LEG_CLOSED, { callId, legId, reason }));
    plane.onLegCandidate((callId, legId, candidate) =>
      channels.publish(LEG_CANDIDATE, { callId, legId, candidate }),
    );
  }

  static async connect(url: string, plane: NodeMedia, options: MediaRelayOptions): Promise<MediaRelay> {
    const nodeId = options.nodeId ?? randomUUID();
    let relay: MediaRelay | undefined;
    // While Redis is away, calls owned here keep working and other commands are lost (the call
    // fails closed).
    const channels = await RedisChannels.connect(
      url,
      [nodeChannel(nodeId), LEG_CLOSED, LEG_CANDIDATE],
      (channel, raw) => relay?.onMessage(channel, raw),
      options.log,
    );
    relay = new MediaRelay(plane, nodeId, channels, options);
    return relay;
  }

  /** A message on this node's channel or one of the broadcasts. */
  private onMessage(channel: string, raw: string): void {
    if (channel === LEG_CLOSED) {
      const c = decode(raw, LegClosed, this.#log, "media relay: leg closed");
      if (c) notify(this.#listeners, (l) => l(c.callId, c.legId, c.reason), this.#log);
    } else if (channel === LEG_CANDIDATE) {
      const c = decode(raw, LegCandidate, this.#log, "media relay: leg candidate");
      if (c) notify(this.#candidateListeners, (l) => l(c.callId, c.legId, c.candidate), this.#log);
    } else this.#link.receive(raw);
  }

  // MediaPort: the control plane's commands.

  openCall(callId: string, codec: MediaCodec): void {
    if (!this.#owners.has(callId) && !this.#queues.has(callId)) {
      // A new call: claim it for this node at once, so its first commands stay here.
      this.#remember(callId, this.nodeId);
      this.plane.openCall(callId, codec);
      this.#channels.redis
        .set(this.#ownerKey(callId), this.nodeId, "EX", OWNER_TTL_S, "NX")
        .then(async (ok) => {
          if (ok) return;
          // Another node opened it first: follow that node.
          const owner = await this.#channels.redis.get(this.#ownerKey(callId));
          if (owner && owner !== this.nodeId) {
            this.#remember(callId, owner);
            this.plane.closeCall(callId, "owned_elsewhere");
            this.#send(owner, { op: "openCall", callId, codec });
          }
        })
        .catch((err: Error) =>
          // Redis unreachable: this node keeps the call's media (the claim is retried by no one).
          this.#log.warn({ callId, error: err.message }, "media relay: could not claim a call's media"),
        );
      return;
    }
    this.#run({ op: "openCall", callId, codec });
  }

  applyRouting(callId: string, routing: Routing): void {
    const { customer, agent, coach } = routing;
    this.#run({
      op: "applyRouting",
      callId,
      routing: { customer: [...customer], agent: [...agent], coach: [...coach] },
    });
  }

  attachSynthetic(callId: string, party: Party): void {
    this.#run({ op: "attachSynthetic", callId, party });
  }

  detach(callId: string, party: Party, reason: string): void {
    this.#run({ op: "detach", callId, party, reason });
  }

  releaseUnlessOwner(callId: string, party: Party, userId: string): void {
    this.#run({ op: "releaseUnlessOwner", callId, party, userId });
  }

  closeCall(callId: string, reason: string): void {
    this.#run({ op: "closeCall", callId, reason });
  }

  // MediaAttach: the signalling's requests.

  async attach(
    callId: string,
    party: Party,
    offerSdp: string,
    codec: MediaCodec,
    ownerId: string | null,
    legId: string,
  ) {
    const owner = await this.#ownerOf(callId);
    if (owner === this.nodeId) return this.plane.attach(callId, party, offerSdp, codec, ownerId, legId);
    return this.#link.request(owner, { op: "attach", callId, party, offerSdp, codec, ownerId, legId });
  }

  async restart(callId: string, legId: string, offerSdp: string) {
    const owner = await this.#ownerOf(callId);
    if (owner === this.nodeId) return this.plane.restart(callId, legId, offerSdp);
    return this.#link.request(owner, { op: "restart", callId, legId, offerSdp });
  }

  async addCandidate(callId: string, legId: string, candidate: IceCandidateInit | null): Promise<void> {
    const owner = await this.#ownerOf(callId);
    if (owner === this.nodeId) await this.plane.addCandidate(callId, legId, candidate);
    else this.#send(owner, { op: "addCandidate", callId, legId, candidate });
  }

  closeLeg(callId: string, legId: string): void {
    this.#run({ op: "closeLeg", callId, legId });
  }

  onLegClose(listener: LegCloseListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** This node's own calls: a call's legs are measured where its media is, and told over the event bus. */
  onQuality(listener: (callId: string, quality: CallQuality) => void): () => void {
    return this.plane.onQuality(listener);
  }

  onLegCandidate(listener: LegCandidateListener): () => void {
    this.#candidateListeners.add(listener);
    return () => this.#candidateListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#link.close();
    this.#channels.close();
    await this.plane.close();
  }

  // Internals.

  #ownerKey(callId: string): string {
    return `${PREFIX}:owner:${callId}`;
  }

  #remember(callId: string, owner: string): void {
    this.#owners.delete(callId);
    this.#owners.set(callId, owner);
    if (this.#owners.size > OWNER_CACHE) {
      const oldest = this.#owners.keys().next().value;
      if (oldest !== undefined) this.#owners.delete(oldest);
    }
  }

  /** The call's owner; a call no node has claimed (opened before a restart) is claimed here. */
  async #ownerOf(callId: string): Promise<string> {
    const known = this.#owners.get(callId);
    if (known) return known;
    const key = this.#ownerKey(callId);
    const claimed = await this.#channels.redis.set(key, this.nodeId, "EX", OWNER_TTL_S, "NX");
    const owner = claimed ? this.nodeId : ((await this.#channels.redis.get(key)) ?? this.nodeId);
    this.#remember(callId, owner);
    return owner;
  }

  /** Runs a command where the call's media is, keeping each call's commands in order. */
  #run(command: MediaCommand): void {
    const { callId } = command;
    const known = this.#owners.get(callId);
    if (known && !this.#queues.has(callId)) {
      this.#dispatch(known, command); // the usual case: no wait at all
      return;
    }
    const previous = this.#queues.get(callId) ?? Promise.resolve();
    const next = previous
      .then(() => this.#ownerOf(callId))
      .then(
        (owner) => this.#dispatch(owner, command),
        (err: Error) =>
          // Redis unreachable: the command is lost and the call's media fails closed.
          this.#log.warn({ callId, op: command.op, error: err.message }, "media relay: a command was lost"),
      );
    this.#queues.set(callId, next);
    next.then(() => {
      if (this.#queues.get(callId) === next) this.#queues.delete(callId);
    });
  }

  #dispatch(owner: string, command: MediaCommand): void {
    if (command.op === "closeCall") {
      // The call is over wherever its media is. The node closing it deletes the owner key: the
      // owner may be a node that stopped (its calls are ended by the others).
      this.#owners.delete(command.callId);
      this.#channels.redis
        .del(this.#ownerKey(command.callId))
        .catch((err: Error) =>
          this.#log.warn({ callId: command.callId, error: err.message }, "media relay: an owner key stays"),
        );
    }
    if (owner === this.nodeId) this.#local(command);
    else this.#send(owner, command);
  }

  #send(owner: string, message: MediaCommand): void {
    this.#link.send(owner, message);
  }

  /** A command for a call owned here (an offer or a restart resolves to its answer). */
  #local(c: MediaMessage): Promise<MediaAnswer> | undefined {
    if (c.op === "closeCall") this.#owners.delete(c.callId); // closed from another node
    return runCommand(this.plane, c, this.#log);
  }
}
