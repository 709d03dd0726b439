// The shape of a trickled ICE candidate a browser may send (media.candidate): what
// RTCIceCandidate.toJSON() gives, a candidate line of RFC 8839 §5.1 and nothing else.
import { fail } from "../control/errors.ts";
import type { IceCandidateInit } from "../protocol/messages.ts";

/** A candidate line is ~100 characters; anything near this is not one. */
export const MAX_CANDIDATE_CHARS = 512;

/**
 * candidate:<foundation> <component> <udp|tcp> <priority> <address> <port> typ <type>, then
 * extension pairs (raddr, rport, tcptype, generation, ufrag, network-id, network-cost, …).
 */
const LINE =
  /^candidate:[A-Za-z0-9+/]{1,32} [0-9]{1,3} (udp|tcp|UDP|TCP) [0-9]{1,10} [0-9A-Za-z.:_-]{1,255} [0-9]{1,5} typ (host|srflx|prflx|relay)( [A-Za-z0-9-]{1,32} [0-9A-Za-z.:_+/-]{1,255})*$/;
const MID = /^[A-Za-z0-9_-]{1,32}$/;
const UFRAG = /^[A-Za-z0-9+/]{4,256}$/;

const refuse = (what: string): never =>
  fail(
    "signalling_error",
    `The ICE candidate is malformed: ${what}. Send RTCIceCandidate.toJSON(), or null.`,
  );

/** The candidate of a media.candidate message, checked; null (or an empty line) is the end of candidates. */
export function checkCandidate(value: unknown): IceCandidateInit | null {
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) return refuse("not an object");
  const c = value as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!["candidate", "sdpMid", "sdpMLineIndex", "usernameFragment"].includes(key))
      refuse(`unknown field "${key}"`);
  }
  if (typeof c.candidate !== "string") return refuse("candidate must be a string");
  if (c.candidate.length > MAX_CANDIDATE_CHARS)
    return refuse(`longer than ${MAX_CANDIDATE_CHARS} characters`);
  if (c.candidate !== "" && !LINE.test(c.candidate)) return refuse("not a candidate line");
  if (c.sdpMid != null && (typeof c.sdpMid !== "string" || !MID.test(c.sdpMid))) refuse("bad sdpMid");
  const index = c.sdpMLineIndex;
  if (index != null && (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index > 2)) {
    refuse("sdpMLineIndex must be 0, 1 or 2");
  }
  const ufrag = c.usernameFragment;
  if (ufrag != null && (typeof ufrag !== "string" || !UFRAG.test(ufrag))) refuse("bad usernameFragment");
  if (c.candidate === "") return null;
  return {
    candidate: c.candidate,
    sdpMid: (c.sdpMid as string | null | undefined) ?? null,
    sdpMLineIndex: (index as number | null | undefined) ?? null,
    usernameFragment: (ufrag as string | null | undefined) ?? null,
  };
}
