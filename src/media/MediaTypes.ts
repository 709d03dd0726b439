// Public types of the media plane: MediaNode → MediaCall → legs.
import type { RTCCertificate } from "werift";
import type { Logger } from "../control/ports.ts";
import type { Party } from "../control/routing.ts";
import type { CallCodec } from "../protocol/calls.ts";
import type { ErrorCode } from "../protocol/errors.ts";
import type { IceCandidateInit } from "../protocol/messages.ts";

export type { Party, Routing, Source } from "../control/routing.ts";

/** One codec per call, negotiated by every leg of it: no transcoding anywhere (protocol/calls.ts chooses it). */
export type MediaCodec = CallCodec;

export interface MediaNodeOptions {
  /**
   * The addresses announced in ICE host candidates, each with its own UDP socket bound on every
   * interface: a local address, or a public one that a 1:1 NAT forwards to this machine
   * (mediasoup's "announced address"). Default: every IPv4 address of the machine but loopback.
   */
  hosts?: string[];
  /** UDP port range for ICE, [min, max] with min < max. Default: any free port. */
  portRange?: [number, number];
  /** STUN servers (`stun:host:port`) for server-reflexive candidates. Default none: no outside traffic. */
  stunUrls?: string[];
  /** How long a WebRTC leg may take to connect before it closes with "ice_failed". Default 20 s. */
  connectTimeoutMs?: number;
  /**
   * How long a connected WebRTC leg whose path is lost (ICE failed, or nothing from the browser
   * for a few seconds) waits for the browser's ICE restart before it closes with
   * "connection_lost" (the control plane then ends the call, or the coaching session for a
   * coach's leg). Default 30 s.
   */
  reconnectGraceMs?: number;
  /** How long without a packet from a connected browser before its path counts as lost. Default 4 s. */
  pathSilenceMs?: number;
  /** How often each live call's legs are measured and reported (MediaPlane.onQuality). Default 5 s. */
  qualityIntervalMs?: number;
  /** Where the plane reports what no caller waits for (default: warnings and errors to stderr). */
  log?: Logger;
  /** The DTLS certificate every leg presents (a media worker gets its process's); default a new one. */
  certificate?: RTCCertificate;
}

export interface CallOptions {
  /** Opus for browser-only calls; PCMU for calls with a synthetic or SIP party. Default opus. */
  codec?: MediaCodec;
}

/**
 * What a synthetic (server-side) party plays into the call: the recorded demo
 * caller's voice, or a pure tone at a frequency such as "tone:440".
 */
export type SyntheticSource = "voice" | `tone:${number}`;

export type LegKind = "webrtc" | "synthetic" | "rtp";

export interface AttachResult {
  legId: string;
  answerSdp: string;
}

/** Why a leg or a call closed; free-form strings are allowed for control-plane reasons. */
export type CloseReason =
  | "detached"
  | "replaced"
  | "call_closed"
  | "node_closed"
  | "ice_failed"
  | "dtls_failed"
  | "disconnected"
  /** A connected leg's path was lost and not restored within the reconnection grace period. */
  | "connection_lost"
  | (string & {});

export type MediaNodeEvents = {
  callclose: [callId: string, reason: CloseReason];
};

export type MediaCallEvents = {
  /** A leg ended: detached, replaced, or failed (ICE/DTLS) so the control plane can tell the user. */
  legclose: [party: Party, legId: string, reason: CloseReason];
  /** A WebRTC leg reached `connected`. */
  legconnect: [party: Party, legId: string];
  /** One of our ICE candidates for a WebRTC leg's browser (null: no more for this ICE generation). */
  legcandidate: [party: Party, legId: string, candidate: IceCandidateInit | null];
  /** A connected WebRTC leg lost its path (true) or has it back (false). */
  legpath: [party: Party, legId: string, lost: boolean];
  close: [reason: CloseReason];
};

export type MediaErrorReason =
  | "invalid_sdp"
  | "codec_not_offered"
  | "invalid_state"
  | "invalid_argument"
  | "negotiation_failed"
  | "ports_exhausted";

/** A media-plane refusal: a registry code for the API plus a precise reason. */
export class MediaError extends Error {
  readonly code: ErrorCode;
  readonly reason: MediaErrorReason;
  constructor(code: ErrorCode, reason: MediaErrorReason, message: string) {
    super(message);
    this.name = "MediaError";
    this.code = code;
    this.reason = reason;
  }
}

/** A method was called on a closed MediaNode or MediaCall. */
export class InvalidStateError extends MediaError {
  constructor(message: string) {
    super("conflict", "invalid_state", message);
    this.name = "InvalidStateError";
  }
}

/** Counters of one call's forwarding path, for tests, benches and dashboards. */
export interface ForwardingStats {
  packetsIn: number;
  packetsOut: number;
  /** Packets dropped because routing sent them nowhere or the forwarding path failed. */
  packetsDropped: number;
  errors: number;
}
