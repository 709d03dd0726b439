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
  /** A payload type that names this codec without an rtpmap (RFC 3551's static PCMU is 0). */
  readonly staticPayloadType?: number;
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
    // A SILK-only frame of silence (TOC 0x48: SILK wideband, 20 ms, one frame), as libopus
    // encodes digital silence; it decodes to zeros but for a few ±1 samples. Not a CELT
    // silence frame: that one sets the receiver's CELT band energies to their floor, and the
    // sender's next CELT frames, predicted from its own previous energies, then decode ~50 dB
    // too quiet and take 3–4 frames to become audible. After a SILK frame the decoder resets
    // its CELT state on the switch back, as a fresh decoder would, so a resumed stream (a
    // whisper after a pause) is audible about one frame sooner. (The narrowband SILK frame
    // 08 08 ac b3 0e c6, with ±1 noise on a sixth of its samples, made Chromium wait ~13 ms
    // longer before decoding the resumed stream.)
    silence: Buffer.from([0x48, 0x07, 0xc9, 0x79, 0xc8, 0xc9, 0x57, 0xc0]),
  },
  pcmu: {
    codec: "pcmu",
    mimeType: "audio/PCMU",
    payloadType: 0,
    clockRate: 8000,
    frameSamples: 160,
    silence: Buffer.alloc(160, 0xff),
    staticPayloadType: 0,
  },
};
