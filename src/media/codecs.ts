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
    // A SILK-only frame of digital silence (TOC 0x08: SILK narrowband, 20 ms, one frame), as
    // libopus encodes it. Not a CELT silence frame: that one sets the receiver's CELT band
    // energies to their floor, and the sender's next CELT frames, predicted from its own
    // previous energies, then decode ~50 dB too quiet and take 3–4 frames to become audible.
    // After a SILK frame the decoder resets its CELT state on the switch back (as a fresh
    // decoder would), so a resumed stream (a whisper after a pause) is audible ~20 ms sooner.
    silence: Buffer.from([0x08, 0x08, 0xac, 0xb3, 0x0e, 0xc6]),
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
