// The messages of the media relay (MediaRelay.ts) between nodes, one schema each (NodeLink
// checks every incoming one), and how the owner of a call runs one it receives (or gives
// itself) on its own media plane.
import { type Static, Type } from "@sinclair/typebox";
import type { Logger } from "../control/ports.ts";
import type { MediaPlane } from "../media/plane.ts";

const Id = Type.String({ minLength: 1, maxLength: 200 });
const Reason = Type.String({ maxLength: 200 });
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

/** Every command or request one node's relay sends another's. */
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

export const MediaAnswer = Type.Object({ legId: Id, answerSdp: Sdp });
export type MediaAnswer = Static<typeof MediaAnswer>;

/** Broadcast to every node: a leg of a call owned by the sender ended. */
export const LegClosed = Type.Object({ callId: Id, legId: Id, reason: Reason });
/** Broadcast to every node: the owner's ICE candidate for a leg (null: the end). */
export const LegCandidate = Type.Object({ callId: Id, legId: Id, candidate: Candidate });

/** Runs `c` on this node's plane; an offer or a restart resolves to its answer. */
export function runCommand(
  plane: MediaPlane,
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
