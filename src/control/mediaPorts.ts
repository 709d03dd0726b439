// The ports through which the control plane drives the media plane and the trunks (and the
// signalling and probes reach the media plane); the media plane and the trunks implement them.
// The store, the event bus and the logger are in ports.ts.
import type { CallCodec } from "../protocol/calls.ts";
import type { IceCandidateInit } from "../protocol/messages.ts";
import type { CallQuality } from "../protocol/resources.ts";
import type { CallRecord } from "./model.ts";
import type { Party, Routing } from "./routing.ts";

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
  /**
   * The conference's third party leaves (its agent's softphone disappeared and the customer waits
   * in the queue again): their leg ends, ringing or answered, and no `left` follows that matters.
   */
  dropParty(call: CallRecord): void;
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
