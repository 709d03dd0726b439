// The media plane's side of ICE as an operator configures it (issue 12): candidates on exactly
// the announced addresses (a local one and a 1:1-NAT public one), UDP ports inside
// EARSHOT_MEDIA_PORTS, and a clear refusal when that range is used up. The offers come from a
// werift peer; nothing is sent to the announced public address (the peer never connects).
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RTCPeerConnection, usePCMU } from "werift";
import { MediaNode } from "../../src/media/MediaNode.ts";
import { MediaError } from "../../src/media/MediaTypes.ts";
import { freePort } from "../support/services.ts";

async function browserLikeOffer(): Promise<{ pc: RTCPeerConnection; sdp: string }> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [usePCMU()] },
    headerExtensions: { audio: [] },
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ["127.0.0.1"],
  });
  pc.addTransceiver("audio", { direction: "sendonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  return { pc, sdp: pc.localDescription?.sdp ?? "" };
}

const candidates = (sdp: string) =>
  [...sdp.matchAll(/^a=candidate:\S+ \d+ udp \d+ (\S+) (\d+) typ (\w+)/gm)].map((m) => ({
    ip: m[1],
    port: Number(m[2]),
    type: m[3],
  }));

describe("media plane ICE settings", () => {
  const peers: RTCPeerConnection[] = [];
  after(async () => {
    await Promise.all(peers.map((pc) => pc.close()));
  });

  it("announces exactly the configured addresses, on ports of the range, and refuses when it is used up", async () => {
    const min = 20_000 + ((await freePort()) % 20_000);
    const node = await MediaNode.create({ hosts: ["127.0.0.1", "198.51.100.7"], portRange: [min, min + 3] });
    try {
      const call = node.openCall("c1", { codec: "pcmu" });
      for (const party of ["customer", "agent"] as const) {
        const offer = await browserLikeOffer();
        peers.push(offer.pc);
        const { answerSdp } = await call.attachWebRtc(party, offer.sdp);
        const found = candidates(answerSdp);
        assert.deepEqual(
          [...new Set(found.map((c) => c.ip))].sort(),
          ["127.0.0.1", "198.51.100.7"],
          answerSdp,
        );
        assert.ok(
          found.every((c) => c.type === "host" && c.port >= min && c.port <= min + 3),
          JSON.stringify(found),
        );
      }
      const offer = await browserLikeOffer();
      peers.push(offer.pc);
      await assert.rejects(call.attachWebRtc("coach", offer.sdp), (e: unknown) => {
        assert.ok(e instanceof MediaError);
        assert.equal(e.code, "media_ports_exhausted");
        assert.match(e.message, new RegExp(`No free UDP port in the media range ${min}-${min + 3}`));
        return true;
      });
    } finally {
      node.close();
    }
  });
});
