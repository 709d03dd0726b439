// The one RTP (RFC 3550) packet toolkit of every path: the forwarding switch's WebRTC legs, SRTP
// (where the header ends: the boundary of encryption), and the trunk's plain RTP legs. No packet
// objects: a reader fills a view the caller keeps, a writer writes into the caller's buffer.
// Nothing here throws on a packet: a malformed one reads as null (or -1), and is dropped.

export const RTP_HEADER_SIZE = 12;
/** The largest datagram a leg takes (an Ethernet MTU): anything longer is not one of our audio frames. */
export const MAX_RTP_PACKET = 1500;

export interface RtpView {
  payloadType: number;
  marker: boolean;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Where the payload starts (after CSRCs and header extensions). */
  payloadOffset: number;
  /** Where the payload ends (before padding). */
  payloadEnd: number;
}

/** The header fields a writer sets (the rest is fixed: version 2, no padding, CSRCs or extensions). */
export interface RtpFields {
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
}

export function emptyView(): RtpView {
  return {
    payloadType: 0,
    marker: false,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    payloadOffset: 0,
    payloadEnd: 0,
  };
}

/**
 * The length of the RTP header in `buf[0, end)`, CSRCs and header extension included; -1 when
 * the bytes are not version 2 or the header does not fit (CSRC count or extension length past
 * `end`).
 */
export function rtpHeaderLength(buf: Uint8Array, end: number = buf.length): number {
  if (end < RTP_HEADER_SIZE || end > buf.length) return -1;
  const b0 = buf[0];
  if (b0 >>> 6 !== 2) return -1;
  let n = RTP_HEADER_SIZE + 4 * (b0 & 0x0f);
  if ((b0 & 0x10) !== 0) {
    if (n + 4 > end) return -1;
    n += 4 + 4 * ((buf[n + 2] << 8) | buf[n + 3]);
  }
  return n > end ? -1 : n;
}

/**
 * Reads the RTP packet in `buf[0, end)` into `view` (reused: one per reader, no allocation);
 * null when it is not a well-formed RTP packet (short, not version 2, CSRCs, extension or
 * padding past its end).
 */
export function readRtp(
  buf: Uint8Array,
  view: RtpView = emptyView(),
  end: number = buf.length,
): RtpView | null {
  const offset = rtpHeaderLength(buf, end);
  if (offset < 0) return null;
  let payloadEnd = end;
  if ((buf[0] & 0x20) !== 0) payloadEnd -= buf[end - 1];
  if (payloadEnd < offset) return null;
  view.marker = (buf[1] & 0x80) !== 0;
  view.payloadType = buf[1] & 0x7f;
  view.sequenceNumber = (buf[2] << 8) | buf[3];
  view.timestamp = ((buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7]) >>> 0;
  view.ssrc = ((buf[8] << 24) | (buf[9] << 16) | (buf[10] << 8) | buf[11]) >>> 0;
  view.payloadOffset = offset;
  view.payloadEnd = payloadEnd;
  return view;
}

/**
 * Whether a datagram on an RTP port is RTCP (RFC 5761 §4: the second byte, RTCP's packet type,
 * is 192–223; no RTP payload type a session may use falls there).
 */
export function isRtcp(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[1] >= 192 && buf[1] <= 223;
}

/** Writes a 12-byte RTP header (no CSRCs, extensions or padding) at the start of `out`. */
export function writeRtpHeader(out: Uint8Array, fields: RtpFields, payloadType: number, ssrc: number): void {
  out[0] = 0x80;
  out[1] = (fields.marker ? 0x80 : 0) | (payloadType & 0x7f);
  const seq = fields.sequenceNumber;
  out[2] = (seq >>> 8) & 0xff;
  out[3] = seq & 0xff;
  const ts = fields.timestamp;
  out[4] = ts >>> 24;
  out[5] = (ts >>> 16) & 0xff;
  out[6] = (ts >>> 8) & 0xff;
  out[7] = ts & 0xff;
  out[8] = ssrc >>> 24;
  out[9] = (ssrc >>> 16) & 0xff;
  out[10] = (ssrc >>> 8) & 0xff;
  out[11] = ssrc & 0xff;
}

/**
 * Writes a 12-byte header and the payload into `out` (which must hold 12 + payload bytes);
 * returns the packet's length.
 */
export function writeRtp(
  out: Uint8Array,
  fields: RtpFields,
  payloadType: number,
  ssrc: number,
  payload: Uint8Array,
): number {
  writeRtpHeader(out, fields, payloadType, ssrc);
  out.set(payload, RTP_HEADER_SIZE);
  return RTP_HEADER_SIZE + payload.length;
}
