// What the media plane accepts as a browser's offer (first or ICE restart): a microphone and two
// receive slots in the call's codec, with ICE credentials and a DTLS fingerprint.
import type { CodecInfo } from "./codecs.ts";
import { MediaError } from "./MediaTypes.ts";

const MAX_SDP_BYTES = 64 * 1024;
/** Attributes an offer must carry, with the shape of their values (call legs and probes alike). */
export const OFFER_ATTRIBUTES: ReadonlyArray<[string, string]> = [
  ["ice-ufrag", "[A-Za-z0-9+/]{4,256}"],
  ["ice-pwd", "[A-Za-z0-9+/]{22,256}"],
  ["fingerprint", "sha-(1|224|256|384|512) [0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){15,63}"],
  ["setup", "(actpass|active|passive)"],
];
/** Rejects what is not a browser offer with a microphone and two receive slots in the call's codec. */
export function checkOffer(offerSdp: unknown, codec: CodecInfo): string {
  if (typeof offerSdp !== "string" || !offerSdp.startsWith("v=0") || offerSdp.length > MAX_SDP_BYTES) {
    throw new MediaError("signalling_error", "invalid_sdp", "The offer is not an SDP session description.");
  }
  const sections = offerSdp.split(/\r?\nm=/).slice(1);
  const audio = sections.filter((s) => s.startsWith("audio "));
  if (audio.length !== 3 || sections.length !== 3) {
    throw new MediaError(
      "signalling_error",
      "invalid_sdp",
      "The offer must have exactly three audio sections: the microphone and two receive slots.",
    );
  }
  const sends = (s: string) => /^a=(sendonly|sendrecv)\s*$/m.test(s);
  const receives = (s: string) => /^a=(recvonly|sendrecv)\s*$/m.test(s);
  if (!sends(audio[0]) || !receives(audio[1]) || !receives(audio[2])) {
    throw new MediaError(
      "signalling_error",
      "invalid_sdp",
      "The offer's first audio section must send and the other two must receive.",
    );
  }
  for (const [attribute, value] of OFFER_ATTRIBUTES) {
    const lines = offerSdp.match(new RegExp(`^a=${attribute}:.*$`, "gm")) ?? [];
    const valid = new RegExp(`^a=${attribute}:${value}\\s*$`);
    if (lines.length === 0 || !lines.every((line) => valid.test(line))) {
      throw new MediaError("signalling_error", "invalid_sdp", `The offer has no valid a=${attribute}.`);
    }
  }
  if (!audio.every((s) => /^audio \d+ [A-Z/]+( \d+)+$/.test(s.split(/\r?\n/, 1)[0]))) {
    throw new MediaError("signalling_error", "invalid_sdp", "The offer has a malformed m= line.");
  }
  if (!audio.every((s) => codec.rtpmap.test(`m=${s}`))) {
    throw new MediaError(
      "signalling_error",
      "codec_not_offered",
      `Every audio section of the offer must offer ${codec.codec.toUpperCase()}, the codec of this call.`,
    );
  }
  return offerSdp;
}

/** The offer's ICE username fragment and DTLS fingerprint (of a checked offer). */
export function offerIdentity(offerSdp: string): { ufrag: string; fingerprint: string } {
  const value = (attribute: string) =>
    new RegExp(`^a=${attribute}:(.*?)\\s*$`, "m").exec(offerSdp)?.[1] ?? "";
  return { ufrag: value("ice-ufrag"), fingerprint: value("fingerprint").toLowerCase() };
}
