// The messages of the media relay (relay.ts) between nodes, and how the owner of a call runs a
// command it receives (or gives itself) on its own media plane.
import { EarshotError } from "../control/errors.ts";
import type { Party, Routing } from "../control/routing.ts";
import type { IceCandidateInit } from "../protocol/messages.ts";
import type { MediaCodec } from "./MediaTypes.ts";
import type { MediaPlane } from "./plane.ts";

export type Command =
  | { op: "openCall"; callId: string; codec: MediaCodec }
  | { op: "applyRouting"; callId: string; routing: Routing }
  | { op: "attachSynthetic"; callId: string; party: Party }
  | { op: "detach"; callId: string; party: Party; reason: string }
  | { op: "releaseUnlessOwner"; callId: string; party: Party; userId: string }
  | { op: "closeCall"; callId: string; reason: string }
  | { op: "closeLeg"; callId: string; legId: string }
  | { op: "addCandidate"; callId: string; legId: string; candidate: IceCandidateInit | null }
  | (Ask & { requestId: string; replyTo: string });

/** What waits for the owner's answer: a browser's offer, or its ICE restart. */
export type Ask =
  | {
      op: "attach";
      callId: string;
      party: Party;
      offerSdp: string;
      codec: MediaCodec;
      ownerId: string | null;
      legId: string;
    }
  | { op: "restart"; callId: string; legId: string; offerSdp: string };

export type Reply =
  | { op: "answered"; requestId: string; legId: string; answerSdp: string }
  | {
      op: "refused";
      requestId: string;
      /** The error's code, and whether it was a domain refusal (EarshotError) or a media error. */
      code: string | null;
      refusal: boolean;
      message: string;
    };

export type Message = Command | Reply;

/** Runs `c` on this node's plane; an offer's or a restart's answer goes back through `reply`. */
export function runCommand(plane: MediaPlane, c: Command, reply: (to: string, r: Reply) => void): void {
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
      plane.addCandidate(c.callId, c.legId, c.candidate).catch(() => {});
      return;
    case "attach":
    case "restart": {
      const { requestId, replyTo } = c;
      const answer =
        c.op === "attach"
          ? plane.attach(c.callId, c.party, c.offerSdp, c.codec, c.ownerId, c.legId)
          : plane.restart(c.callId, c.legId, c.offerSdp);
      answer.then(
        ({ legId, answerSdp }) => reply(replyTo, { op: "answered", requestId, legId, answerSdp }),
        (error: unknown) =>
          reply(replyTo, {
            op: "refused",
            requestId,
            code:
              typeof (error as { code?: unknown })?.code === "string"
                ? (error as { code: string }).code
                : null,
            refusal: error instanceof EarshotError,
            message: error instanceof Error ? error.message : String(error),
          }),
      );
      return;
    }
  }
}
