// SrtpLink over a real ICE + DTLS association between two werift peers on loopback: the
// werift internals it relies on still exist and behave, and packets cross both ways intact.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RTCPeerConnection, useOPUS } from "werift";
import { readRtp } from "../../src/media/rtpPacket.ts";
import { SrtpLink } from "../../src/media/srtpLink.ts";

interface Received {
  seq: number;
  payload: Buffer;
}

function peer() {
  return new RTCPeerConnection({
    codecs: { audio: [useOPUS()] },
    headerExtensions: { audio: [] },
    iceServers: [],
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ["127.0.0.1"],
  });
}

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("SrtpLink", () => {
  const pcs: RTCPeerConnection[] = [];
  after(async () => {
    await Promise.all(pcs.map((pc) => pc.close()));
  });

  it("carries RTP both ways over werift's ICE and DTLS, and only with the negotiated profile", async () => {
    const offerer = peer();
    const answerer = peer();
    pcs.push(offerer, answerer);
    const got: Record<"offerer" | "answerer", Received[]> = { offerer: [], answerer: [] };
    const handler = (who: "offerer" | "answerer") => (packet: Buffer, end: number) => {
      const v = readRtp(packet.subarray(0, end));
      assert.ok(v);
      got[who].push({
        seq: v.sequenceNumber,
        payload: Buffer.from(packet.subarray(v.payloadOffset, v.payloadEnd)),
      });
    };

    const mine = offerer.addTransceiver("audio", { direction: "sendrecv" });
    await offerer.setLocalDescription(await offerer.createOffer());
    assert.ok(mine.dtlsTransport);
    const offererLink = SrtpLink.take(mine.dtlsTransport, handler("offerer"));
    if (offerer.iceGatheringState !== "complete")
      await offerer.iceGatheringStateChange.watch((s) => s === "complete");
    await answerer.setRemoteDescription(offerer.localDescription as never);
    const theirs = answerer.getTransceivers()[0];
    assert.ok(theirs.dtlsTransport);
    const answererLink = SrtpLink.take(theirs.dtlsTransport, handler("answerer"));
    theirs.setDirection("sendrecv");
    await answerer.setLocalDescription(await answerer.createAnswer());
    if (answerer.iceGatheringState !== "complete")
      await answerer.iceGatheringStateChange.watch((s) => s === "complete");
    await offerer.setRemoteDescription(answerer.localDescription as never);
    await until(() => offererLink.ready && answererLink.ready);
    await until(() => offerer.connectionState === "connected" && answerer.connectionState === "connected");

    const header = { sequenceNumber: 0, timestamp: 0, marker: false };
    const sent: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      header.sequenceNumber = 1000 + i;
      header.timestamp = i * 960;
      const payload = Buffer.alloc(80 + i, i);
      sent.push(payload);
      offererLink.send(header, 111, 0xabcdef01, payload);
      answererLink.send(header, 111, 0x10fedcba, payload);
    }
    await until(() => got.offerer.length === 50 && got.answerer.length === 50);
    for (const who of ["offerer", "answerer"] as const) {
      got[who].sort((a, b) => a.seq - b.seq);
      assert.deepEqual(
        got[who].map((r) => r.payload),
        sent,
        `${who} received every payload intact`,
      );
    }
    assert.equal(offererLink.refused + answererLink.refused, 0);

    // An ICE restart clears werift's nominated pair until its new checks nominate one; the link
    // keeps sending on the pair it last had instead of going silent meanwhile.
    const connection = (
      mine.dtlsTransport as never as { iceTransport: { connection: { nominated?: unknown } } }
    ).iceTransport.connection;
    connection.nominated = undefined;
    const before = got.answerer.length;
    header.sequenceNumber = 2000;
    offererLink.send(header, 111, 0xabcdef01, Buffer.alloc(40, 7));
    await until(() => got.answerer.length === before + 1);
    const stats = [...(await answerer.getStats()).values()].find((s) => s.type === "transport") as
      | { srtpCipher?: string }
      | undefined;
    assert.equal(stats?.srtpCipher, "AES_CM_128_HMAC_SHA1_80");
  });
});
