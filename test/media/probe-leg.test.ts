// The network probe on its own: a werift peer in the browser's place offers one data channel,
// the probe answers with the node's settings, and the first message comes back; the probe
// closes itself after its lifetime, once, and refuses what is not a data-channel offer.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { RTCPeerConnection } from "werift";
import { MediaNode } from "../../src/media/MediaNode.ts";
import { checkProbeOffer, type ProbeCloseReason, ProbeLeg } from "../../src/media/ProbeLeg.ts";
import { gatheringComplete, withoutDefaultStun } from "../../src/media/peerConfig.ts";
import { PROBE } from "../../src/protocol/messages.ts";

/** A data-channel offer as a browser sends it: gathered, not trickled. */
async function browserLike(label: string = PROBE.label) {
  const pc = new RTCPeerConnection({ iceAdditionalHostAddresses: ["127.0.0.1"], iceUseIpv6: false });
  const channel = pc.createDataChannel(label);
  const connection = pc.sctpTransport?.dtlsTransport.iceTransport.connection;
  if (connection) withoutDefaultStun(connection, []); // no packet to Google's STUN from a test
  await pc.setLocalDescription(await pc.createOffer());
  await gatheringComplete(pc, 3000);
  return { pc, channel, sdp: pc.localDescription?.sdp ?? "" };
}

describe("ProbeLeg", () => {
  const PORTS: [number, number] = [46_200, 46_299];
  const node = MediaNode.create({ hosts: ["127.0.0.1"], portRange: PORTS });
  after(async () => (await node).close());

  it("answers a data-channel offer with the node's certificate, hosts and ports, and echoes the first message", async () => {
    const settings = (await node).peerSettings;
    const browser = await browserLike();
    const closes: ProbeCloseReason[] = [];
    const { probe, answerSdp } = await ProbeLeg.answer(browser.sdp, settings, {
      onClose: (_p, reason) => closes.push(reason),
    });
    const fingerprint = settings.certificate.getFingerprints()[0].value.toUpperCase();
    assert.ok(
      answerSdp.toUpperCase().includes(fingerprint),
      "the answer presents the node's DTLS certificate",
    );
    assert.match(answerSdp, /^m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/m);
    const candidates = [...answerSdp.matchAll(/^a=candidate:\S+ \d+ udp \d+ (\S+) (\d+) typ (\w+)/gim)];
    assert.ok(candidates.length > 0, "the answer has candidates");
    for (const [line, host, port, type] of candidates) {
      assert.equal(host, "127.0.0.1", `only the node's announced host: ${line}`);
      assert.equal(type, "host", `no STUN: ${line}`);
      assert.ok(Number(port) >= PORTS[0] && Number(port) <= PORTS[1], `a port of the node's range: ${line}`);
    }
    const echoed = new Promise<string>((resolve) =>
      browser.channel.onMessage.subscribe((m) => resolve(String(m))),
    );
    browser.channel.stateChanged.subscribe((state) => {
      if (state === "open") {
        browser.channel.send("probe-1");
        browser.channel.send("probe-2"); // only the first is echoed
      }
    });
    await browser.pc.setRemoteDescription({ type: "answer", sdp: answerSdp });
    assert.equal(await echoed, "probe-1");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(browser.channel.messagesReceived, 1, "one echo, not two");
    browser.channel.close();
    for (let i = 0; i < 50 && !probe.closed; i++) await new Promise((r) => setTimeout(r, 20));
    probe.close("socket_closed");
    assert.deepEqual(closes, ["closed_by_peer"], "the browser closing its channel ends the probe, once");
    await browser.pc.close();
  });

  it("runs its onClose once, with the first reason", async () => {
    const browser = await browserLike();
    const closes: ProbeCloseReason[] = [];
    const { probe } = await ProbeLeg.answer(browser.sdp, (await node).peerSettings, {
      onClose: (_p, reason) => closes.push(reason),
    });
    probe.close("socket_closed");
    probe.close("timeout");
    assert.deepEqual(closes, ["socket_closed"]);
    await browser.pc.close();
  });

  it("closes itself after its lifetime", async () => {
    const browser = await browserLike();
    const reasons: ProbeCloseReason[] = [];
    let closedAt = 0;
    const started = Date.now();
    let onClosed = () => {};
    const done = new Promise<void>((resolve) => {
      onClosed = resolve;
    });
    const { probe } = await ProbeLeg.answer(browser.sdp, (await node).peerSettings, {
      maxMs: 300,
      onClose: (_p, reason) => {
        reasons.push(reason);
        closedAt = Date.now();
        onClosed();
      },
    });
    // Waits for the close itself (bounded), not a fixed time that a loaded machine may outlast.
    await Promise.race([done, new Promise((r) => setTimeout(r, 10_000).unref())]);
    assert.ok(probe.closed, "closed within 10 s");
    assert.deepEqual(reasons, ["timeout"]);
    assert.ok(closedAt - started >= 300, `not before its lifetime: ${closedAt - started} ms`);
    await browser.pc.close();
  });

  it("refuses what is not an offer of one data channel, with a sentence", async () => {
    const { sdp, pc } = await browserLike();
    await pc.close();
    assert.equal(checkProbeOffer(sdp), sdp);
    assert.throws(() => checkProbeOffer("hello"), /not an SDP session description/);
    assert.throws(() => checkProbeOffer(`${sdp}${"a=x\r\n".repeat(6000)}`), /longer than 20000 characters/);
    const answerLike = sdp.replace(/a=setup:actpass/g, "a=setup:active");
    assert.throws(() => checkProbeOffer(answerLike), /not an offer \(an offer's a=setup is actpass\)/);
    const audio = sdp.replace(
      /m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/,
      "m=audio 9 UDP/TLS/RTP/SAVPF 0",
    );
    assert.throws(() => checkProbeOffer(audio), /exactly one data channel section/);
    const noFingerprint = sdp.replace(/^a=fingerprint:.*\r?\n/gm, "");
    assert.throws(() => checkProbeOffer(noFingerprint), /no valid a=fingerprint/);
  });
});
