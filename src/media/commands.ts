// The one definition of what is asked of a call's media, wherever it runs: the commands the
// cluster's media relay sends the owner node (cluster/MediaRelay.ts; NodeLink checks each with
// its schema) and the main thread sends a media worker (workers/WorkerPlane.ts), and how a
// plane runs one it receives (runCommand).
import { type Static, Type } from "@sinclair/typebox";
import type { MediaAttach, MediaPort, MediaProbe, TrunkMedia } from "../control/mediaPorts.ts";
import type { Logger } from "../control/ports.ts";
import type { Party as CallParty, Routing as CallRouting } from "../control/routing.ts";
import type { LegInfo } from "./MediaCall.ts";
import type { RtpRange } from "./RtpParties.ts";

/** A process's media plane as the composition root, the relay and the signalling use it. */
export interface NodeMedia extends MediaPort, MediaAttach, MediaProbe {
  onLegClose(listener: (callId: string, legId: string, reason: string, party: CallParty) => void): () => void;
  /** A call's media failed (its media worker died): the control plane ends it with media_failed. */
  onCallFailed(listener: (callId: string) => void): () => void;
  /** The trunk's RTP parties on this node's calls, bound in `range` (TrunkMedia). */
  rtpParties(range: RtpRange): TrunkMedia;
  /** What a call's media is now, wherever it runs (diagnostics, tests); null: no such call here. */
  inspect(callId: string): Promise<CallMediaState | null>;
  close(): Promise<void>;
}

/** A call's media as its plane holds it: the routing in force and each party's leg. */
export interface CallMediaState {
  routing: CallRouting;
  legs: Partial<Record<CallParty, LegInfo>>;
}

export const Id = Type.String({ minLength: 1, maxLength: 200 });
export const Reason = Type.String({ maxLength: 200 });
const Sdp = Type.String({ maxLength: 64 * 1024 });
const Party = Type.Union([Type.Literal("customer"), Type.Literal("agent"), Type.Literal("coach")]);
const Source = Type.Union([Party, Type.Literal("hold_music"), Type.Null()]);
const Slots = Type.Tuple([Source, Source]);
const Routing = Type.Object({ customer: Slots, agent: Slots, coach: Slots });
const Codec = Type.Union([Type.Literal("opus"), Type.Literal("pcmu")]);
const NullableString = Type.Optional(Type.Union([Type.String({ maxLength: 512 }), Type.Null()]));
export const Candidate = Type.Union([
  Type.Object({
    candidate: Type.String({ maxLength: 512 }),
    sdpMid: NullableString,
    sdpMLineIndex: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    usernameFragment: NullableString,
  }),
  Type.Null(),
]);

/** Every command or request for a call's media (an owner node's, or a media worker's). */
export const MediaMessage = Type.Union([
  Type.Object({ op: Type.Literal("openCall"), callId: Id, codec: Codec }),
  Type.Object({ op: Type.Literal("applyRouting"), callId: Id, routing: Routing }),
  Type.Object({ op: Type.Literal("attachSynthetic"), callId: Id, party: Party }),
  Type.Object({ op: Type.Literal("detach"), callId: Id, party: Party, reason: Reason }),
  Type.Object({ op: Type.Literal("releaseUnlessOwner"), callId: Id, party: Party, userId: Id }),
  Type.Object({ op: Type.Literal("closeCall"), callId: Id, reason: Reason }),
  Type.Object({ op: Type.Literal("closeLeg"), callId: Id, legId: Id }),
  Type.Object({ op: Type.Literal("addCandidate"), callId: Id, legId: Id, candidate: Candidate }),
  // Requests: a browser's offer, or its ICE restart; the reply is a MediaAnswer.
  Type.Object({
    op: Type.Literal("attach"),
    callId: Id,
    party: Party,
    offerSdp: Sdp,
    codec: Codec,
    ownerId: Type.Union([Id, Type.Null()]),
    legId: Id,
  }),
  Type.Object({ op: Type.Literal("restart"), callId: Id, legId: Id, offerSdp: Sdp }),
]);
export type MediaMessage = Static<typeof MediaMessage>;

/** What the control plane or the signalling tells a call's media without waiting for an answer. */
export type MediaCommand = Exclude<MediaMessage, { op: "attach" | "restart" }>;

export const MediaAnswer = Type.Object({ legId: Id, answerSdp: Sdp });
export type MediaAnswer = Static<typeof MediaAnswer>;

/** Runs `c` on a plane; an offer or a restart resolves to its answer. */
export function runCommand(
  plane: MediaPort & MediaAttach,
  c: MediaMessage,
  log: Logger,
): Promise<MediaAnswer> | undefined {
  switch (c.op) {
    case "openCall":
      plane.openCall(c.callId, c.codec);
      return;
    case "applyRouting":
      plane.applyRouting(c.callId, c.routing);
      return;
    case "attachSynthetic":
      plane.attachSynthetic(c.callId, c.party);
      return;
    case "detach":
      plane.detach(c.callId, c.party, c.reason);
      return;
    case "releaseUnlessOwner":
      plane.releaseUnlessOwner(c.callId, c.party, c.userId);
      return;
    case "closeLeg":
      plane.closeLeg(c.callId, c.legId);
      return;
    case "closeCall":
      plane.closeCall(c.callId, c.reason);
      return;
    case "addCandidate":
      // A candidate for a leg that has ended is dropped: its media.closed tells the browser.
      plane.addCandidate(c.callId, c.legId, c.candidate).catch((err: Error) => {
        log.debug({ callId: c.callId, legId: c.legId, error: err.message }, "media: a candidate was dropped");
      });
      return;
    case "attach":
      return plane.attach(c.callId, c.party, c.offerSdp, c.codec, c.ownerId, c.legId);
    case "restart":
      return plane.restart(c.callId, c.legId, c.offerSdp);
  }
}
