// What the forwarding switch knows of a leg, whatever carries it (WebRTC, synthetic, later SIP).
import type { Party } from "../control/routing.ts";
import type { CloseReason, LegKind } from "./MediaTypes.ts";
import type { SlotHeader, SlotRewriter } from "./SlotRewriter.ts";

/** One of the two receive slots of a leg: its rewriter and a way to send a packet on it. */
export interface SlotOutput {
  readonly rewriter: SlotRewriter;
  /** Sends one packet; must not throw for a closed or not-yet-connected transport (it drops). */
  send(header: SlotHeader, payload: Buffer): void;
}

export interface Leg {
  readonly id: string;
  readonly party: Party;
  readonly kind: LegKind;
  /** Names this leg as a source in the slots it feeds: a new leg of the same party is a new source. */
  readonly sourceKey: number;
  /** The leg's two receive slots; null when what it receives is discarded (a synthetic party). */
  readonly outputs: readonly [SlotOutput, SlotOutput] | null;
  readonly closed: boolean;
  /** The transport's latest round trip to the party in ms, where it measures one (ICE consent checks). */
  rttMs?(): number | null;
  /** Releases the leg's resources; does not notify anyone (the call does). Idempotent. */
  close(reason: CloseReason): void;
}

/** Where a leg delivers each packet it receives from its party. */
export type PacketSink = (leg: Leg, ssrc: number, seq: number, ts: number, payload: Buffer) => void;

let nextSourceKey = 1;

export function newSourceKey(): number {
  return nextSourceKey++;
}
