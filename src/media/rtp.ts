// Byte-level RTP (RFC 3550) helpers for the forwarding path: read the fields a slot
// needs without building packet objects, and write a header without extensions.
import type { SlotHeader } from "./SlotRewriter.ts";

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

export const RTP_HEADER_SIZE = 12;

/** Reads an RTP packet's header; null when the bytes are not a well-formed RTP packet. */
export function readRtp(buf: Uint8Array, view: RtpView = emptyView()): RtpView | null {
  const len = buf.length;
  if (len < RTP_HEADER_SIZE) return null;
  const b0 = buf[0];
  if (b0 >> 6 !== 2) return null;
  let offset = RTP_HEADER_SIZE + 4 * (b0 & 0x0f);
  if (b0 & 0x10) {
    if (offset + 4 > len) return null;
    offset += 4 + 4 * ((buf[offset + 2] << 8) | buf[offset + 3]);
  }
  let end = len;
  if (b0 & 0x20) end -= buf[len - 1];
  if (offset > end || end > len) return null;
  view.marker = (buf[1] & 0x80) !== 0;
  view.payloadType = buf[1] & 0x7f;
  view.sequenceNumber = (buf[2] << 8) | buf[3];
  view.timestamp = ((buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7]) >>> 0;
  view.ssrc = ((buf[8] << 24) | (buf[9] << 16) | (buf[10] << 8) | buf[11]) >>> 0;
  view.payloadOffset = offset;
  view.payloadEnd = end;
  return view;
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
 * Writes a 12-byte RTP header (no CSRCs, no extensions, no padding) and the payload
 * into `out`; returns the packet length. `out` must hold 12 + payload bytes.
 */
export function writeRtp(
  out: Uint8Array,
  header: SlotHeader,
  payloadType: number,
  ssrc: number,
  payload: Uint8Array,
): number {
  out[0] = 0x80;
  out[1] = (header.marker ? 0x80 : 0) | (payloadType & 0x7f);
  out[2] = header.sequenceNumber >> 8;
  out[3] = header.sequenceNumber & 0xff;
  const ts = header.timestamp;
  out[4] = ts >>> 24;
  out[5] = (ts >>> 16) & 0xff;
  out[6] = (ts >>> 8) & 0xff;
  out[7] = ts & 0xff;
  out[8] = ssrc >>> 24;
  out[9] = (ssrc >>> 16) & 0xff;
  out[10] = (ssrc >>> 8) & 0xff;
  out[11] = ssrc & 0xff;
  out.set(payload, RTP_HEADER_SIZE);
  return RTP_HEADER_SIZE + payload.length;
}
