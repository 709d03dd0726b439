// What the media plane accepts as a browser's offer (first or ICE restart): a microphone and two
// receive slots in the call's codec, with ICE credentials and a DTLS fingerprint; and, for a
// network probe, one data channel. Parsed with the one SDP toolkit (protocol/sdp.ts).
import {
  directionOf,
  type MediaDescription,
  parseSdp,
  payloadTypes,
  type SessionDescription,
  sessionOrMedia,
} from "../protocol/sdp.ts";
import type { CodecInfo } from "./codecs.ts";
import { MediaError } from "./MediaTypes.ts";

/** A checked offer: its text (what werift is given) and who made it. */
export interface CheckedOffer {
  sdp: string;
  /** The first section's ICE username fragment (a restart changes it). */
  ufrag: string;
  /** The DTLS fingerprint, "sha-256 ab:cd:…" in lower case (a restart keeps it). */
  fingerprint: string;
}

const refuse = (message: string, reason: "invalid_sdp" | "codec_not_offered" = "invalid_sdp"): never => {
  throw new MediaError("signalling_error", reason, message);
};

/** The parsed offer, or a MediaError ("invalid_sdp") saying why not. */
export function parseOffer(offerSdp: unknown, what = "offer"): { text: string; sdp: SessionDescription } {
  const parsed = parseSdp(offerSdp);
  if (!parsed.ok) return refuse(`The ${what} is refused: ${parsed.reason}`);
  return { text: offerSdp as string, sdp: parsed.sdp };
}

const SHAPES = {
  iceUfrag: /^[A-Za-z0-9+/]{4,256}$/,
  icePwd: /^[A-Za-z0-9+/]{22,256}$/,
  fingerprint: /^sha-(1|224|256|384|512) [0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){15,63}$/,
  setup: /^(actpass|active|passive)$/,
} as const;
const SDP_NAMES = {
  iceUfrag: "ice-ufrag",
  icePwd: "ice-pwd",
  fingerprint: "fingerprint",
  setup: "setup",
} as const;

/**
 * The offer's ICE credentials and DTLS parameters: the first section has them (its own or the
 * session's; BUNDLE'd sections may leave them out), and every one given anywhere is well-formed.
 */
export function checkIceAndDtls(sdp: SessionDescription, what = "offer"): void {
  // sdp-transform reads a value of digits as a number (werift's ufrags are often "4200").
  const text = (value: unknown): unknown =>
    typeof value === "object" && value !== null
      ? `${(value as { type: string }).type} ${(value as { hash: string }).hash}`
      : typeof value === "number"
        ? String(value)
        : value;
  for (const key of ["iceUfrag", "icePwd", "fingerprint", "setup"] as const) {
    const given = [sdp[key], ...sdp.media.map((m) => m[key])].filter((v) => v !== undefined).map(text);
    const first = sdp.media[0] && sessionOrMedia(sdp, sdp.media[0], key);
    if (first === undefined || !given.every((v) => typeof v === "string" && SHAPES[key].test(v))) {
      refuse(`The ${what} has no valid a=${SDP_NAMES[key]}.`);
    }
  }
}

/** Whether a section offers the call's codec: by name and clock rate, or by its static payload type. */
function offersCodec(media: MediaDescription, codec: CodecInfo): boolean {
  const name = codec.mimeType.slice("audio/".length).toLowerCase();
  const pts = payloadTypes(media);
  if (codec.staticPayloadType !== undefined) return pts.includes(codec.staticPayloadType);
  return (media.rtp ?? []).some(
    (r) => r.codec.toLowerCase() === name && r.rate === codec.clockRate && pts.includes(r.payload),
  );
}

/** Rejects what is not a browser offer with a microphone and two receive slots in the call's codec. */
export function checkOffer(offerSdp: unknown, codec: CodecInfo): CheckedOffer {
  const { text, sdp } = parseOffer(offerSdp);
  const media = sdp.media;
  if (media.length !== 3 || !media.every((m) => m.type === "audio")) {
    refuse("The offer must have exactly three audio sections: the microphone and two receive slots.");
  }
  const direction = (i: number) => directionOf(sdp, media[i]);
  const sends = (i: number) => direction(i) === "sendonly" || direction(i) === "sendrecv";
  const receives = (i: number) => direction(i) === "recvonly" || direction(i) === "sendrecv";
  if (!sends(0) || !receives(1) || !receives(2)) {
    refuse("The offer's first audio section must send and the other two must receive.");
  }
  checkIceAndDtls(sdp);
  if (!media.every((m) => /^[A-Z/]+$/.test(m.protocol) && payloadTypes(m).length > 0)) {
    refuse("The offer has a malformed m= line.");
  }
  if (!media.every((m) => offersCodec(m, codec))) {
    refuse(
      `Every audio section of the offer must offer ${codec.codec.toUpperCase()}, the codec of this call.`,
      "codec_not_offered",
    );
  }
  const fingerprint = sessionOrMedia(sdp, media[0], "fingerprint");
  return {
    sdp: text,
    ufrag: String(sessionOrMedia(sdp, media[0], "iceUfrag")),
    fingerprint: `${fingerprint?.type} ${fingerprint?.hash}`.toLowerCase(),
  };
}
