// What crosses between the main thread and a media worker (WorkerPlane.ts ↔ host.ts). The
// commands themselves are media/commands.ts, the definition the cluster relay uses too; this
// adds the envelope (requests and their replies), the trunk's RTP parties and the probes (objects
// the main thread holds a handle of), the events back, and the heartbeat. Both ends are this
// process's own code, so nothing here is validated again (structured clone carries it).
import type { RTCCertificate } from "werift";
import type { RtpTarget } from "../../control/mediaPorts.ts";
import type { Party } from "../../control/routing.ts";
import type { LoopDelaySummary } from "../../protocol/mediaWorkers.ts";
import type { IceCandidateInit } from "../../protocol/messages.ts";
import type { CallQuality } from "../../protocol/resources.ts";
import type { MediaCommand, MediaMessage } from "../commands.ts";
import type { MediaNodeOptions } from "../MediaTypes.ts";
import type { RtpRange } from "../RtpParties.ts";

/** What a worker starts with (workerData): its plane's options and the process's certificate. */
export interface WorkerInit {
  index: number;
  options: Omit<MediaNodeOptions, "log" | "certificate">;
  certificate: { privateKeyPem: string; certPem: string; signatureHash: RTCCertificate["signatureHash"] };
}

export type RtpOp =
  | { op: "answered" }
  | { op: "retarget"; remote: RtpTarget }
  | { op: "payloadType"; payloadType: 0 | 8 }
  | { op: "close"; reason: string };

/** The main thread to a worker, in order (one port per worker keeps each call's order). */
export type ToWorker =
  | { kind: "command"; command: MediaCommand }
  | {
      kind: "request";
      id: number;
      command: Extract<MediaMessage, { op: "attach" | "restart" | "addCandidate" }>;
    }
  | {
      kind: "rtp.open";
      id: number;
      rtpId: number;
      callId: string;
      party: Party;
      range: RtpRange;
      remote: RtpTarget | null;
      latchFrom: readonly string[];
      payloadType: 0 | 8;
    }
  | ({ kind: "rtp"; rtpId: number } & RtpOp)
  | { kind: "probe"; id: number; probeId: number; offerSdp: string }
  | { kind: "probe.close"; probeId: number }
  | { kind: "ping"; seq: number }
  /** What a call's media is now (NodeMedia.inspect); answered with a CallMediaState or null. */
  | { kind: "inspect"; id: number; callId: string }
  /** Opens a window of the worker's loop delay (loopDelay.ts) / closes one and answers its figures. */
  | { kind: "loopDelay"; id: number; op: "open" }
  | { kind: "loopDelay"; id: number; op: "close"; window: number }
  | { kind: "close" };

/** A refusal as it crosses (a MediaError keeps its code and reason for the API). */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  reason?: string;
}

export interface RtpStats {
  packetsIn: number;
  packetsOut: number;
  dtmf: number;
  foreignDropped: number;
}

/** A worker's load and counters, with every heartbeat answer. */
export interface WorkerLoad {
  calls: number;
  legs: number;
  packetsIn: number;
  packetsOut: number;
  packetsDropped: number;
  /** How late its event loop ran over the last complete second. */
  loopDelayMs: LoopDelaySummary;
}

/** A worker to the main thread. */
export type FromWorker =
  | { kind: "ready" }
  | { kind: "reply"; id: number; ok: true; value: unknown }
  | { kind: "reply"; id: number; ok: false; error: WireError }
  | { kind: "legclose"; callId: string; legId: string; reason: string; party: Party }
  | { kind: "legcandidate"; callId: string; legId: string; candidate: IceCandidateInit | null }
  /** A call's live legs after a change (the main thread's placement and fault handling use them). */
  | { kind: "legs"; callId: string; legs: [legId: string, party: Party][] }
  | { kind: "callclose"; callId: string }
  | { kind: "quality"; callId: string; quality: CallQuality }
  | { kind: "rtp.event"; rtpId: number; event: "dtmf" | "foreign"; source?: RtpTarget; stats: RtpStats }
  | { kind: "rtp.stats"; stats: [rtpId: number, stats: RtpStats][] }
  | { kind: "probe.closed"; probeId: number; reason: string }
  | { kind: "log"; level: "debug" | "info" | "warn" | "error"; fields: Record<string, unknown>; msg: string }
  | { kind: "pong"; seq: number; load: WorkerLoad }
  | { kind: "closed" };
