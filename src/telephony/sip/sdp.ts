// The little SDP a G.711 trunk needs: read the party's audio address, codecs and
// direction; write ours.
export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";

export interface AudioOffer {
  address: string;
  port: number;
  payloadTypes: number[];
  direction: Direction;
}

export function parseSdp(sdp: string | undefined): AudioOffer | null {
  if (!sdp || sdp.length > 8192) return null;
  const m = /^m=audio (\d+) RTP\/AVP ([\d ]+)\s*$/m.exec(sdp);
  const c = /^c=IN IP4 (\d{1,3}(?:\.\d{1,3}){3})\s*$/m.exec(sdp);
  if (!m || !c) return null;
  const port = Number(m[1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  const direction =
    (/^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(sdp)?.[1] as Direction) ?? "sendrecv";
  return { address: c[1], port, payloadTypes: m[2].trim().split(/\s+/).map(Number), direction };
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
  return [
    "v=0",
    `o=earshot ${id} ${id} IN IP4 ${address}`,
    "s=Earshot",
    `c=IN IP4 ${address}`,
    "t=0 0",
    `m=audio ${port} RTP/AVP ${pts.join(" ")} 101`,
    ...pts.map((pt) => (pt === 0 ? "a=rtpmap:0 PCMU/8000" : "a=rtpmap:8 PCMA/8000")),
    "a=rtpmap:101 telephone-event/8000",
    "a=fmtp:101 0-15",
    "a=ptime:20",
    `a=${direction}`,
    "",
  ].join("\r\n");
}

/** The direction we answer with to a party's direction. */
export function answerDirection(d: Direction): Direction {
  return d === "sendonly" ? "recvonly" : d === "recvonly" ? "sendonly" : d;
}
