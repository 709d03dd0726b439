// The whisper switch relies on this: when a slot's source changes, the slot changes payload
// type (between the two the browser offered), so the browser starts the new talk spurt fresh.
// Real ICE, DTLS and SRTP between a media node and three werift peers on loopback.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RTCPeerConnection, useOPUS } from "werift";
import type { Party } from "../../src/control/routing.ts";
import { computeRouting } from "../../src/control/routing.ts";
import { MediaNode } from "../../src/media/MediaNode.ts";
import { readRtp } from "../../src/media/rtpPacket.ts";
import { SrtpLink } from "../../src/media/srtpLink.ts";
import { withAlternatePayloadType } from "../../src/protocol/alternatePayloadType.ts";

const FILL: Record<Party, number> = { customer: 0x11, agent: 0x22, coach: 0x33 };

interface Peer {
  pc: RTCPeerConnection;
  link: SrtpLink;
  ssrc: number;
  payloadType: number;
  /** Payload type of each packet received, by the fill byte of its payload (who sent it). */
  received: Array<{ from: number; pt: number }>;
}

async function connect(node: MediaNode, callId: string, party: Party, alternate: boolean): Promise<Peer> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [useOPUS()] },
    headerExtensions: { audio: [] },
    iceServers: [],
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ["127.0.0.1"],
    // One transport from the start: werift's offerer leaves the sockets of transports that
    // bundling drops open.
    bundlePolicy: "max-bundle",
  });
  const mic = pc.addTransceiver("audio", { direction: "sendonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const received: Peer["received"] = [];
  assert.ok(mic.dtlsTransport);
  const link = SrtpLink.take(mic.dtlsTransport, (packet, end) => {
    const v = readRtp(packet.subarray(0, end));
    if (v) received.push({ from: packet[v.payloadOffset], pt: v.payloadType });
  });
  if (pc.iceGatheringState !== "complete") await pc.iceGatheringStateChange.watch((s) => s === "complete");
  const sdp = pc.localDescription?.sdp ?? "";
  const { answerSdp } = await node
    .openCall(callId, { codec: "opus" })
    .attachWebRtc(party, alternate ? withAlternatePayloadType(sdp) : sdp);
  await pc.setRemoteDescription({ type: "answer", sdp: answerSdp });
  if (pc.connectionState !== "connected") await pc.connectionStateChange.watch((s) => s === "connected");
  return { pc, link, ssrc: mic.sender.ssrc, payloadType: mic.sender.codec?.payloadType ?? 96, received };
}

/** The payload types in the order they appear among packets from `from`, runs collapsed. */
function runs(peer: Peer, from: Party): number[] {
  const out: number[] = [];
  for (const r of peer.received) if (r.from === FILL[from] && out[out.length - 1] !== r.pt) out.push(r.pt);
  return out;
}

describe("payload type per talk spurt", () => {
  const node = new Promise<MediaNode>((resolve) => resolve(MediaNode.create({ hosts: ["127.0.0.1"] })));
  const peers: Peer[] = [];
  after(async () => {
    (await node).close();
    await Promise.all(peers.map((p) => p.pc.close()));
  });

  async function run(callId: string, alternate: boolean) {
    const n = await node;
    const parties: Party[] = ["customer", "agent", "coach"];
    const [customer, agent, coach] = await Promise.all(parties.map((p) => connect(n, callId, p, alternate)));
    peers.push(customer, agent, coach);
    const call = n.openCall(callId, { codec: "opus" });
    const header = { sequenceNumber: 0, timestamp: 0, marker: false };
    let frame = 0;
    const send = async (frames: number) => {
      for (let f = 0; f < frames; f++, frame++) {
        header.sequenceNumber = frame;
        header.timestamp = frame * 960;
        for (const [party, peer] of [
          ["customer", customer],
          ["agent", agent],
          ["coach", coach],
        ] as const) {
          peer.link.send(header, peer.payloadType, peer.ssrc, Buffer.alloc(60, FILL[party]));
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    for (const coachMode of ["listen", "whisper", "listen", "whisper", "listen", "whisper"] as const) {
      call.setRouting(computeRouting({ callState: "in_progress", agentMuted: false, coachMode }));
      await send(10);
    }
    await new Promise((r) => setTimeout(r, 200));
    return { customer, agent, coach };
  }

  it("changes a slot's payload type at each whisper, when the browser offered two", async () => {
    const { agent, coach, customer } = await run("alternating", true);
    const primary = agent.payloadType;
    const whispers = runs(agent, "coach");
    assert.equal(whispers.length, 3, `three talk spurts of the coach reach the agent: ${whispers}`);
    assert.notEqual(whispers[0], whispers[1], "each spurt with the other payload type");
    assert.notEqual(whispers[1], whispers[2]);
    assert.ok(whispers.includes(primary));
    // A slot whose source never changes keeps one payload type.
    assert.equal(runs(coach, "customer").length, 1);
    assert.equal(runs(customer, "agent").length, 1);
    assert.ok(runs(customer, "coach").length === 0, "the customer never hears the coach outside barge");
  });

  it("keeps one payload type for a browser that offered one", async () => {
    const { agent } = await run("plain", false);
    assert.deepEqual(runs(agent, "coach"), [agent.payloadType]);
  });
});
