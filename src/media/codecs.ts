// What the forwarding path needs to know about each call codec.
import type { MediaCodec } from "./MediaTypes.ts";

export interface CodecInfo {
  readonly codec: MediaCodec;
  readonly mimeType: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly channels?: number;
  /** Samples (RTP timestamp units) in one 20 ms frame. */
  readonly frameSamples: number;
  /** One 20 ms frame of silence, sent when a slot's source is cut. */
  readonly silence: Buffer;
  /** The SDP rtpmap a browser offer must contain (case-insensitive). */
  readonly rtpmap: RegExp;
}

export const FRAME_MS = 20;

export const CODECS: Readonly<Record<MediaCodec, CodecInfo>> = {
  opus: {
    codec: "opus",
    mimeType: "audio/opus",
    payloadType: 111,
    clockRate: 48000,
    channels: 2,
    frameSamples: 960,
    // TOC 0xf8 (CELT full band, 20 ms, one frame) followed by a silent frame.
    silence: Buffer.from([0xf8, 0xff, 0xfe]),
    rtpmap: /^a=rtpmap:\d+ opus\/48000/im,
  },
  pcmu: {
    codec: "pcmu",
    mimeType: "audio/PCMU",
    payloadType: 0,
    clockRate: 8000,
    frameSamples: 160,
    silence: Buffer.alloc(160, 0xff),
    rtpmap: /^(a=rtpmap:0 PCMU\/8000|m=audio \d+ [A-Z/]+ (\d+ )*0( |$))/im,
  },
};
