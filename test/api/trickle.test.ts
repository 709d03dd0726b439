// Trickle ICE over the WebSocket (issue 12): the server answers an offer at once (werift's own
// gathering would wait for every STUN server; here one never answers), its server-reflexive
// candidate follows the answer as media.candidate, and only the connection that attached a leg
// may add candidates to it or restart it; malformed candidates are refused with a clear error.

import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { classes, Message, methods, parseMessage, RTCPeerConnection, useOPUS } from "werift";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import { widgetCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { EventClient } from "../support/ws.ts";

/** A STUN server on loopback that answers every binding request with the sender's address. */
async function stunServer(answer: boolean): Promise<Socket> {
  const socket = createSocket("udp4");
  socket.on("message", (data, rinfo) => {
    if (!answer) return; // a STUN server that never answers: werift's gathering would wait 5 s for it
    const request = parseMessage(data);
    if (!request) return;
    const response = new Message(methods.BINDING, classes.RESPONSE, request.transactionId);
    response.setAttribute("XOR-MAPPED-ADDRESS", ["192.0.2.7", rinfo.port]).addFingerprint();
    socket.send(response.bytes, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

/** A browser-like offer (microphone + two receive slots, Opus) from a werift peer. */
async function browserOffer(): Promise<{ pc: RTCPeerConnection; sdp: string }> {
  const pc = new RTCPeerConnection({ codecs: { audio: [useOPUS()] }, iceServers: [], iceUseIpv6: false });
  pc.addTransceiver("audio", { direction: "sendonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  return { pc, sdp: pc.localDescription?.sdp ?? "" };
}

function send(client: EventClient, m: Record<string, unknown>): void {
  (client as unknown as { socket: { send(s: string): void } }).socket.send(JSON.stringify(m));
}

describe("trickle ICE signalling", { timeout: 60_000 }, () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  const stun: Socket[] = [];
  const peers: RTCPeerConnection[] = [];

  before(async () => {
    stun.push(await stunServer(true), await stunServer(false));
    const urls = stun.map((s) => `stun:127.0.0.1:${(s.address() as AddressInfo).port}`);
    server = await startServer({ media: await testMedia({ hosts: ["127.0.0.1"], stunUrls: urls }) });
    org = await demoOrg(server.url);
  });
  after(async () => {
    for (const pc of peers) await pc.close();
    for (const s of stun) s.close();
    await server?.close();
  });

  it("answers at once, trickles its reflexive candidate after the answer, and takes candidates only from the leg's own connection", async () => {
    const { call, callToken } = await widgetCall(server.url, org.support);
    assert.equal((await org.ana.post(`/calls/${call.id}/answer`)).status, 200);
    const agent = await EventClient.connect(server.url, `token=${org.ana.token}`);
    const customer = await EventClient.connect(server.url, `callToken=${encodeURIComponent(callToken)}`);
    const sofia = await EventClient.connect(server.url, `token=${org.sofia.token}`);
    try {
      const { pc, sdp } = await browserOffer();
      peers.push(pc);
      const sent = performance.now();
      send(agent, { type: "media.offer", requestId: "o1", callId: call.id, role: "agent", sdp });
      const answer = (await agent.next((m) => "requestId" in m && m.requestId === "o1", 4000)) as Extract<
        ServerMessage,
        { type: "media.answer" }
      >;
      const answerMs = performance.now() - sent;
      assert.equal(answer.type, "media.answer", JSON.stringify(answer));
      // One STUN server never answers: werift's gathering would have held the answer for 5 s.
      assert.ok(answerMs < 1500, `the answer took ${Math.round(answerMs)} ms`);
      assert.match(answer.sdp, /^a=candidate:.* typ host/m, "the host candidates are in the answer");
      const legId = answer.legId;

      // The reflexive candidate (from the STUN server that answers) follows, after the answer.
      const reflexive = (await agent.next(
        (m) => m.type === "media.candidate" && m.legId === legId && m.candidate !== null,
        5000,
      )) as Extract<ServerMessage, { type: "media.candidate" }>;
      assert.match(reflexive.candidate?.candidate ?? "", /typ srflx raddr 127\.0\.0\.1/);
      assert.match(reflexive.candidate?.candidate ?? "", / 192\.0\.2\.7 /);
      const order = agent.events.map((m) => m.type);
      assert.ok(order.indexOf("media.answer") < order.indexOf("media.candidate"), order.join(", "));

      // Only the connection that attached the leg may add candidates to it.
      const candidate = {
        candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0",
        sdpMid: "0",
        sdpMLineIndex: 0,
      };
      for (const [other, name] of [
        [sofia, "a supervisor"],
        [customer, "the call's own customer"],
      ] as const) {
        send(other, { type: "media.candidate", legId, candidate });
        const refused = (await other.next((m) => m.type === "error")) as { code: string; message: string };
        assert.equal(refused.code, "forbidden", `${name}: ${JSON.stringify(refused)}`);
        assert.match(refused.message, /attached/);
      }
      // Nor restart it.
      send(sofia, { type: "media.restart", requestId: "r1", legId, sdp });
      const noRestart = (await sofia.next((m) => "requestId" in m && m.requestId === "r1")) as {
        code: string;
      };
      assert.equal(noRestart.code, "forbidden");

      // Malformed candidates are refused with a clear error; good ones and the end are taken.
      const malformed: unknown[] = [
        "candidate:1 1 udp 1 127.0.0.1 5000 typ host",
        { candidate: 42 },
        { candidate: `candidate:1 1 udp 1 127.0.0.1 5000 typ host ${"x ".repeat(300)}` },
        { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host\r\na=fingerprint:sha-256 00" },
        { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ magic" },
        { ...candidate, sdpMLineIndex: 7 },
        { ...candidate, extra: true },
      ];
      for (const bad of malformed) {
        const before = agent.events.length;
        send(agent, { type: "media.candidate", legId, candidate: bad });
        const refused = (await agent.next(
          (m) => m.type === "error" && agent.events.indexOf(m) >= before,
        )) as { code: string; message: string };
        assert.equal(refused.code, "signalling_error", JSON.stringify(bad));
        assert.match(refused.message, /ICE candidate is malformed/);
      }
      const errorsBefore = agent.events.filter((m) => m.type === "error").length;
      send(agent, { type: "media.candidate", legId, candidate });
      send(agent, { type: "media.candidate", legId, candidate: null });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(agent.events.filter((m) => m.type === "error").length, errorsBefore);

      // A restart must come from the same peer connection (DTLS fingerprint) with new credentials.
      send(agent, { type: "media.restart", requestId: "r2", legId, sdp });
      const same = (await agent.next((m) => "requestId" in m && m.requestId === "r2")) as { message: string };
      assert.match(same.message, /does not restart ICE/);
      // Another peer connection's offer: other credentials and another certificate's fingerprint.
      const stranger = sdp
        .replace(/^a=ice-ufrag:.*$/gm, "a=ice-ufrag:strangerufrag")
        .replace(/^a=fingerprint:sha-256 .*$/gm, `a=fingerprint:sha-256 ${Array(32).fill("AB").join(":")}`);
      send(agent, { type: "media.restart", requestId: "r3", legId, sdp: stranger });
      const foreign = (await agent.next((m) => "requestId" in m && m.requestId === "r3")) as {
        message: string;
      };
      assert.match(foreign.message, /fingerprint/);
      pc.restartIce();
      const restartOffer = await pc.createOffer({ iceRestart: true });
      send(agent, { type: "media.restart", requestId: "r4", legId, sdp: restartOffer.sdp });
      const restarted = (await agent.next((m) => "requestId" in m && m.requestId === "r4")) as Extract<
        ServerMessage,
        { type: "media.answer" }
      >;
      assert.equal(restarted.type, "media.answer", JSON.stringify(restarted));
      assert.equal(restarted.legId, legId, "an ICE restart answers for the same leg");
      assert.notEqual(
        /a=ice-ufrag:(\S+)/.exec(restarted.sdp)?.[1],
        /a=ice-ufrag:(\S+)/.exec(answer.sdp)?.[1],
        "with new ICE credentials",
      );
    } finally {
      agent.close();
      customer.close();
      sofia.close();
    }
  });
});
