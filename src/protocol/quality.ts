// The quality of a live call's legs (docs/ARCHITECTURE.md "Call quality"); resources.ts re-exports it.

/**
 * How one leg of a live call sounds as it reaches the media plane, over the last few seconds
 * (docs/ARCHITECTURE.md "Call quality"): RFC 3550 loss and interarrival jitter, the round trip
 * where the transport measures one, and the E-model's estimated MOS. `poor` is the server's rule.
 */
export interface LegQuality {
  /** Share of the packets expected in the interval that did not arrive, 0–100. */
  lossPct: number;
  jitterMs: number;
  /** ICE's round trip for a browser's leg; null where nothing measures it (SIP RTP, synthetic). */
  rttMs: number | null;
  /** Estimated MOS, 1–4.5. */
  mos: number;
  poor: boolean;
}

/** Each leg's quality (null: no leg, or nothing received from it yet). */
export interface CallQuality {
  customer: LegQuality | null;
  agent: LegQuality | null;
  coach: LegQuality | null;
}
