// The SDP of a G.711 trunk, read and written with the one SDP toolkit (protocol/sdp.ts): the
// party's audio address (IPv4 or IPv6, the section's c= line or the session's), codecs and
// direction, from the first usable audio section whatever comes before it; and ours.
import {
  connectionOf,
  type Direction,
  directionOf,
  type MediaDescription,
  parseSdp as parse,
  payloadTypes,
  type SessionDescription,
  writeSdp,
} from "../../protocol/sdp.ts";

export type { Direction };

export interface AudioOffer {
  address: string;
  /** 4 or 6: the IP version of `address`. */
  version: 4 | 6;
  port: number;
  payloadTypes: number[];
  direction: Direction;
}

/**
 * The party's audio: the first RTP/AVP audio section with a port (a declined one, port 0, only
 * when there is no other) and an address. Null for anything else (488 Not Acceptable Here).
 */
export function readAudio(sdp: string | undefined): AudioOffer | null {
  const parsed = parse(sdp);
  if (!parsed.ok) return null;
  const audio = parsed.sdp.media.filter((m) => m.type === "audio" && m.protocol === "RTP/AVP");
  const section = audio.find((m) => m.port > 0) ?? audio[0];
  if (!section) return null;
  const connection = connectionOf(parsed.sdp, section);
  const pts = payloadTypes(section);
  if (!connection || pts.length === 0) return null;
  return {
    address: connection.address,
    version: connection.version,
    port: section.port,
    payloadTypes: pts,
    direction: directionOf(parsed.sdp, section),
  };
}

/** The party's audio as the trunk can reach it: its RTP sockets are IPv4 (rtpPorts.ts). */
export function parseSdp(sdp: string | undefined): AudioOffer | null {
  const audio = readAudio(sdp);
  return audio?.version === 4 ? audio : null;
}

/** PCMU when offered, else PCMA; null when neither (488 Not Acceptable Here). */
export function chooseG711(offer: AudioOffer): 0 | 8 | null {
  if (offer.payloadTypes.includes(0)) return 0;
  if (offer.payloadTypes.includes(8)) return 8;
  return null;
}

export function makeSdp(
  address: string,
  port: number,
  payloadType: 0 | 8 | "offer",
  direction: Direction = "sendrecv",
): string {
  const id = Date.now();
  const pts = payloadType === "offer" ? [0, 8] : [payloadType];
  const version = address.includes(":") ? 6 : 4;
  const media: MediaDescription = {
    type: "audio",
    port,
    protocol: "RTP/AVP",
    payloads: [...pts, 101].join(" "),
    rtp: [
      ...pts.map((pt) => ({ payload: pt, codec: pt === 0 ? "PCMU" : "PCMA", rate: 8000 })),
      { payload: 101, codec: "telephone-event", rate: 8000 },
    ],
    fmtp: [{ payload: 101, config: "0-15" }],
    ptime: 20,
    direction,
  };
  const session: SessionDescription = {
    version: 0,
    origin: {
      username: "earshot",
      sessionId: id,
      sessionVersion: id,
      netType: "IN",
      ipVer: version,
      address,
    },
    name: "Earshot",
    connection: { version, ip: address },
    timing: { start: 0, stop: 0 },
    media: [media],
  };
  return writeSdp(session);
}

/** The direction we answer with to a party's direction. */
export function answerDirection(d: Direction): Direction {
  return d === "sendonly" ? "recvonly" : d === "recvonly" ? "sendonly" : d;
}
