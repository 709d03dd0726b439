// The one SDP toolkit: every SDP the server reads (browser offers for call legs and probes, SIP
// trunk offers and answers) is parsed here with sdp-transform, under one set of limits, and the
// SDP the trunk writes is written with it. A refused SDP is a reason (a sentence), never a
// throw: each caller turns it into its own typed refusal (MediaError "invalid_sdp" for the media
// plane, EarshotError "signalling_error" in signalling, 488 on the trunk).
// Not here: alternatePayloadType.ts edits the browser's own offer and werift's answer line by
// line, because the browser must get back its own text with one change, not a rewritten SDP.
import { type MediaDescription, parse, type SessionDescription, write } from "sdp-transform";

/** The limits every SDP we read is held to, whoever sends it. */
export const SDP_LIMITS = {
  /**
   * Characters. Chromium's and Firefox's offers of a call leg (three audio sections, every host
   * candidate of a few interfaces) are 4–5 KB; a SIP trunk's fits its 8 KB datagram.
   */
  maxChars: 20_000,
  /** m= sections (a call leg offers three; a probe and a trunk one). */
  maxMedia: 8,
  /** a=candidate lines in the whole description. */
  maxCandidates: 64,
} as const;

export type { MediaDescription, SessionDescription };

export type SdpResult = { ok: true; sdp: SessionDescription } | { ok: false; reason: string };

/** Parses an SDP within SDP_LIMITS; every m= section must be well-formed. */
export function parseSdp(text: unknown): SdpResult {
  const refuse = (reason: string): SdpResult => ({ ok: false, reason });
  if (typeof text !== "string" || !/^v=0\r?\n/.test(text))
    return refuse("It is not an SDP session description.");
  if (text.length > SDP_LIMITS.maxChars) {
    return refuse(`The SDP is longer than ${SDP_LIMITS.maxChars} characters.`);
  }
  let sdp: SessionDescription;
  try {
    sdp = parse(text);
  } catch (error) {
    return refuse(`The SDP does not parse (${String(error)}).`);
  }
  const media = sdp.media ?? [];
  sdp.media = media;
  if (media.length > SDP_LIMITS.maxMedia)
    return refuse(`The SDP has more than ${SDP_LIMITS.maxMedia} m= sections.`);
  let candidates = 0;
  for (const m of media) {
    if (!/^[a-z]+$/.test(m.type) || !Number.isInteger(m.port) || m.port < 0 || m.port > 65535) {
      return refuse("The SDP has a malformed m= line.");
    }
    if (!/^[A-Za-z/]+$/.test(m.protocol ?? "") || !/^\S+( \S+)*$/.test(String(m.payloads ?? ""))) {
      return refuse("The SDP has a malformed m= line.");
    }
    candidates += m.candidates?.length ?? 0;
  }
  if (candidates > SDP_LIMITS.maxCandidates) {
    return refuse(`The SDP has more than ${SDP_LIMITS.maxCandidates} candidates.`);
  }
  return { ok: true, sdp };
}

export function writeSdp(sdp: SessionDescription): string {
  return write(sdp);
}

/** A section's payload types, as numbers (an m= line of a non-RTP protocol lists none). */
export function payloadTypes(media: MediaDescription): number[] {
  return String(media.payloads ?? "")
    .split(" ")
    .filter((p) => /^\d+$/.test(p))
    .map(Number);
}

export interface ConnectionAddress {
  address: string;
  version: 4 | 6;
}

/** Where a section's media goes: its own c= line, else the session's (RFC 8866 §5.7). */
export function connectionOf(sdp: SessionDescription, media: MediaDescription): ConnectionAddress | null {
  const c = media.connection ?? sdp.connection;
  if (!c || (c.version !== 4 && c.version !== 6)) return null;
  return { address: c.ip, version: c.version };
}

export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** A section's direction: its own a= line, else the session's, else sendrecv (RFC 8866 §6.7). */
export function directionOf(sdp: SessionDescription, media: MediaDescription): Direction {
  return media.direction ?? sdp.direction ?? "sendrecv";
}

/** An attribute that may sit at the session or the section level (ICE credentials, DTLS): the section's wins. */
export function sessionOrMedia<K extends "iceUfrag" | "icePwd" | "setup" | "fingerprint">(
  sdp: SessionDescription,
  media: MediaDescription,
  key: K,
): SessionDescription[K] | MediaDescription[K] {
  return media[key] ?? sdp[key];
}
