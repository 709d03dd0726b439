// SRTP (RFC 3711) for the forwarding hot path, profile AES_CM_128_HMAC_SHA1_80, on our own
// buffers. werift negotiates the keys (DTLS-SRTP, see srtpLink.ts); this does the per-packet
// work without a cipher object per packet, which is what makes werift's own path slow:
// - the AES-CTR keystream depends only on (SSRC, packet index), never on the payload, so it is
//   made ahead for a batch of consecutive indices with one reused AES-ECB cipher call;
// - the HMAC-SHA1 tag uses @noble/hashes with the key's inner/outer state computed once.
// Decryption is in place (the received datagram is ours); encryption writes a fresh packet.
import { createCipheriv } from "node:crypto";
import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { RTP_HEADER_SIZE, type RtpFields, rtpHeaderLength, writeRtp } from "./rtpPacket.ts";

/** Session keys of one direction, as derived from the DTLS master keys (RFC 3711 §4.3). */
export interface SrtpSessionKeys {
  /** 16-byte AES session key. */
  key: Uint8Array;
  /** 14-byte session salt. */
  salt: Uint8Array;
  /** 20-byte HMAC-SHA1 session key. */
  auth: Uint8Array;
}

export const SRTP_TAG_BYTES = 10;
/** Packets of keystream made per AES call. */
const BATCH = 32;
/** Keystream bytes kept per packet: a PCMU frame (160) or a voice Opus frame fits; longer payloads take a slower path. */
const CACHED_BLOCKS = 12;
const CACHED_BYTES = CACHED_BLOCKS * 16;
/** Indices this far behind the highest one received are refused as replays (RFC 3711 §3.3.2). */
const REPLAY_WINDOW = 128;
const ROC_BYTES = 4;

/**
 * The part of @noble/hashes' HMAC we use: a keyed state cloned per packet. `_cloneInto` is not
 * public API, which is why package.json pins @noble/hashes exactly (2.4.0): upgrade it only with
 * srtp.rfc3711.test.ts passing (it fails loudly if the internal is gone), and Direction refuses
 * to start without it rather than fail per packet.
 */
interface Hmac {
  _cloneInto(to?: Hmac): Hmac;
  update(data: Uint8Array): Hmac;
  digestInto(out: Uint8Array): void;
}

/** One SSRC's state in one direction: rollover counter, replay window, keystream cache. */
class Stream {
  readonly ssrc: number;
  /** The direction's AES-ECB cipher, shared by its streams. */
  readonly #ecb: Ecb;
  /** The 16-byte counter block before the index and block counter: salt XOR SSRC. */
  readonly #base = Buffer.alloc(16);
  readonly #counters = Buffer.alloc(BATCH * CACHED_BYTES);
  #keystream: Buffer = Buffer.alloc(0);
  #first = -1;
  roc = 0;
  highestSeq = -1;
  /** The highest index accepted, and the indices seen recently (ring buffer). */
  highestIndex = -1;
  readonly seen = new Float64Array(REPLAY_WINDOW).fill(-1);

  constructor(ssrc: number, salt: Uint8Array, ecb: Ecb) {
    this.ssrc = ssrc;
    this.#ecb = ecb;
    for (let i = 0; i < 14; i++) this.#base[i] = salt[i];
    this.#base[4] ^= ssrc >>> 24;
    this.#base[5] ^= (ssrc >>> 16) & 0xff;
    this.#base[6] ^= (ssrc >>> 8) & 0xff;
    this.#base[7] ^= ssrc & 0xff;
  }

  /** XORs, in place, the keystream of packet `index` over `buf[offset, offset + length)`. */
  crypt(index: number, buf: Uint8Array, offset: number, length: number): void {
    let ks: Uint8Array;
    let at: number;
    if (length <= CACHED_BYTES) {
      if (index < this.#first || index >= this.#first + BATCH || this.#first < 0) this.#fill(index);
      ks = this.#keystream;
      at = (index - this.#first) * CACHED_BYTES;
    } else {
      ks = this.#ecb.update(this.#counterBlocks(index, Math.ceil(length / 16)));
      at = 0;
    }
    for (let i = 0; i < length; i++) buf[offset + i] ^= ks[at + i];
  }

  #fill(first: number): void {
    const counters = this.#counters;
    for (let p = 0; p < BATCH; p++) this.#writeBlocks(counters, p * CACHED_BYTES, first + p, CACHED_BLOCKS);
    this.#keystream = this.#ecb.update(counters);
    this.#first = first;
  }

  #counterBlocks(index: number, blocks: number): Buffer {
    const out = Buffer.alloc(blocks * 16);
    this.#writeBlocks(out, 0, index, blocks);
    return out;
  }

  /** Counter blocks of one packet: (salt XOR SSRC XOR index) with a 16-bit block counter. */
  #writeBlocks(out: Buffer, offset: number, index: number, blocks: number): void {
    const base = this.#base;
    const high = Math.floor(index / 0x10000); // the rollover counter: index bits 16..47
    const b8 = base[8] ^ (high >>> 24);
    const b9 = base[9] ^ ((high >>> 16) & 0xff);
    const b10 = base[10] ^ ((high >>> 8) & 0xff);
    const b11 = base[11] ^ (high & 0xff);
    const b12 = base[12] ^ ((index >>> 8) & 0xff);
    const b13 = base[13] ^ (index & 0xff);
    for (let j = 0; j < blocks; j++) {
      const o = offset + j * 16;
      for (let k = 0; k < 8; k++) out[o + k] = base[k];
      out[o + 8] = b8;
      out[o + 9] = b9;
      out[o + 10] = b10;
      out[o + 11] = b11;
      out[o + 12] = b12;
      out[o + 13] = b13;
      out[o + 14] = j >>> 8;
      out[o + 15] = j & 0xff;
    }
  }

  /** RFC 3711 Appendix A: the rollover counter a sequence number most likely belongs to. */
  guessRoc(seq: number): number {
    const s = this.highestSeq;
    if (s < 0) return this.roc;
    if (s < 0x8000) return seq - s > 0x8000 ? this.roc - 1 : this.roc;
    return s - 0x8000 > seq ? this.roc + 1 : this.roc;
  }

  /** Records an accepted (authenticated or sent) packet. */
  accept(roc: number, seq: number, index: number): void {
    if (roc > this.roc || (roc === this.roc && seq > this.highestSeq)) {
      this.roc = roc;
      this.highestSeq = seq;
    }
    if (index > this.highestIndex) this.highestIndex = index;
    this.seen[index % REPLAY_WINDOW] = index;
  }

  isReplay(index: number): boolean {
    if (this.highestIndex < 0) return false;
    if (index <= this.highestIndex - REPLAY_WINDOW) return true;
    return this.seen[index % REPLAY_WINDOW] === index;
  }
}

interface Ecb {
  update(data: Uint8Array): Buffer;
}

/** One direction of an SRTP session: the keys and the state of each SSRC. */
class Direction {
  readonly #ecb: Ecb;
  readonly #salt: Uint8Array;
  readonly #mac: Hmac;
  #scratch: Hmac | undefined;
  readonly #digest = new Uint8Array(20);
  readonly #streams = new Map<number, Stream>();
  #last: Stream | undefined;

  constructor(keys: SrtpSessionKeys) {
    if (keys.key.length !== 16 || keys.salt.length !== 14 || keys.auth.length !== 20) {
      throw new RangeError("SRTP keys must be a 16-byte key, a 14-byte salt and a 20-byte auth key");
    }
    const ecb = createCipheriv("aes-128-ecb", keys.key, null);
    ecb.setAutoPadding(false);
    this.#ecb = ecb;
    this.#salt = keys.salt;
    this.#mac = hmac.create(sha1, keys.auth) as unknown as Hmac;
    if (typeof this.#mac._cloneInto !== "function") {
      throw new Error(
        "@noble/hashes' HMAC has no _cloneInto: srtp.ts needs the pinned version (package.json)",
      );
    }
  }

  /** The state of `ssrc`, created on first use. A receiver creates it only for an authenticated packet. */
  stream(ssrc: number): Stream {
    let s = this.find(ssrc);
    if (!s) {
      s = new Stream(ssrc, this.#salt, this.#ecb);
      this.#streams.set(ssrc, s);
      this.#last = s;
    }
    return s;
  }

  get streamCount(): number {
    return this.#streams.size;
  }

  find(ssrc: number): Stream | undefined {
    const last = this.#last;
    if (last && last.ssrc === ssrc) return last;
    const s = this.#streams.get(ssrc);
    if (s) this.#last = s;
    return s;
  }

  /**
   * HMAC-SHA1 over packet[0, end) and the rollover counter; the full 20-byte digest. The
   * counter is written for the moment over the 4 bytes after `end` (where the tag goes), so
   * the hash takes one contiguous input; those bytes are restored.
   */
  tag(packet: Uint8Array, end: number, roc: number): Uint8Array {
    const b0 = packet[end];
    const b1 = packet[end + 1];
    const b2 = packet[end + 2];
    const b3 = packet[end + 3];
    packet[end] = roc >>> 24;
    packet[end + 1] = (roc >>> 16) & 0xff;
    packet[end + 2] = (roc >>> 8) & 0xff;
    packet[end + 3] = roc & 0xff;
    const mac = this.#mac._cloneInto(this.#scratch);
    this.#scratch = mac;
    mac.update(packet.subarray(0, end + ROC_BYTES));
    mac.digestInto(this.#digest);
    packet[end] = b0;
    packet[end + 1] = b1;
    packet[end + 2] = b2;
    packet[end + 3] = b3;
    return this.#digest;
  }
}

/** Encrypts the RTP packets we send on one DTLS-SRTP association. */
export class SrtpSender {
  readonly #d: Direction;

  constructor(keys: SrtpSessionKeys) {
    this.#d = new Direction(keys);
  }

  /** A new SRTP packet: `payload` under a 12-byte header with the given fields. */
  protect(header: RtpFields, payloadType: number, ssrc: number, payload: Uint8Array): Buffer {
    const end = RTP_HEADER_SIZE + payload.length;
    const out = Buffer.allocUnsafe(end + SRTP_TAG_BYTES);
    writeRtp(out, header, payloadType, ssrc, payload);
    const d = this.#d;
    const s = d.stream(ssrc >>> 0);
    const seq = header.sequenceNumber & 0xffff;
    const roc = Math.max(0, s.guessRoc(seq));
    const index = roc * 0x10000 + seq;
    s.crypt(index, out, RTP_HEADER_SIZE, payload.length);
    const tag = d.tag(out, end, roc);
    for (let i = 0; i < SRTP_TAG_BYTES; i++) out[end + i] = tag[i];
    s.accept(roc, seq, index);
    return out;
  }
}

/** Authenticates and decrypts the SRTP packets we receive on one DTLS-SRTP association. */
export class SrtpReceiver {
  readonly #d: Direction;

  constructor(keys: SrtpSessionKeys) {
    this.#d = new Direction(keys);
  }

  /** How many SSRCs have state (each from an authenticated packet). */
  get streams(): number {
    return this.#d.streamCount;
  }

  /**
   * Checks and decrypts, in place, an SRTP packet. Returns where the RTP packet ends (the
   * tag cut off; read it with readRtp for the payload and padding), or -1 for a packet that
   * is not RTP, fails authentication, is a replay or is too short.
   */
  unprotect(packet: Buffer): number {
    const end = packet.length - SRTP_TAG_BYTES;
    const headerBytes = rtpHeaderLength(packet, end);
    if (headerBytes < 0) return -1;
    const d = this.#d;
    const seq = packet.readUInt16BE(2);
    const ssrc = packet.readUInt32BE(8);
    const known = d.find(ssrc);
    // No state for an SSRC until a packet of it authenticates: forged SSRCs cost nothing to keep.
    const roc = known ? known.guessRoc(seq) : 0;
    if (roc < 0) return -1;
    const index = roc * 0x10000 + seq;
    if (known?.isReplay(index)) return -1;
    const tag = d.tag(packet, end, roc);
    let diff = 0;
    for (let i = 0; i < SRTP_TAG_BYTES; i++) diff |= tag[i] ^ packet[end + i];
    if (diff !== 0) return -1;
    const s = known ?? d.stream(ssrc);
    s.crypt(index, packet, headerBytes, end - headerBytes);
    s.accept(roc, seq, index);
    return end;
  }
}
