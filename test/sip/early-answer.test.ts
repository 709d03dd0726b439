// The trunk's answer to an inbound call that the agent answers in the moment between the call
// being stored (and so visible and answerable) and its dialog and RTP socket being ready. Seen
// once in the full suite; here it is made certain: the control plane's `inbound` answers the
// call before it returns, which is before the trunk has a dialog for it. The carrier must get
// its 200 OK all the same, not ring for ever. The phone is a raw UDP socket sending an INVITE.

import assert from "node:assert/strict";
import dgram from "node:dgram";
import { after, before, describe, it } from "node:test";
import type { CallRecord, NumberRecord } from "../../src/control/model.ts";
import type { Logger } from "../../src/control/ports.ts";
import type { NodeMedia } from "../../src/media/commands.ts";
import { SipTrunk } from "../../src/telephony/sip/SipTrunk.ts";
import { testMedia } from "../support/media.ts";
import { freePort } from "../support/services.ts";

const DID = "+34910000001";
const TRUNK_HOST = "127.0.0.2";
const quiet = () => {};
const silent: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };

function invite(trunkPort: number, phonePort: number): string {
  const sdp =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
  return [
    `INVITE sip:${DID}@${TRUNK_HOST}:${trunkPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${phonePort};branch=z9hG4bKearly1`,
    "From: <sip:+34600111222@127.0.0.1>;tag=1",
    `To: <sip:${DID}@${TRUNK_HOST}:${trunkPort}>`,
    "Call-ID: early-answer-1",
    "CSeq: 1 INVITE",
    `Contact: <sip:phone@127.0.0.1:${phonePort}>`,
    "Max-Forwards: 70",
    "Content-Type: application/sdp",
    `Content-Length: ${sdp.length}`,
    "",
    sdp,
  ].join("\r\n");
}

describe("SIP trunk: an inbound call answered before its dialog is ready", () => {
  let media: NodeMedia;
  let trunk: SipTrunk;
  let trunkPort: number;
  const phone = dgram.createSocket("udp4");
  const received: string[] = [];

  before(async () => {
    media = await testMedia({ hosts: ["127.0.0.1"] });
    // As startTrunkServer (support/sip-phone.ts): the trunk on 127.0.0.2, where no test's HTTP
    // server listens, so its TCP listener cannot meet a port another test file holds.
    trunkPort = await freePort();
    phone.on("message", (m) => received.push(m.toString()));
    await new Promise<void>((r) => phone.bind(0, "127.0.0.1", r));
    const number = {
      id: "number-1",
      orgId: "org-1",
      name: "Support",
      e164: DID,
      userIds: [],
      maxWaitS: 300,
    } as NumberRecord;
    trunk = new SipTrunk({
      settings: {
        listenAddress: TRUNK_HOST,
        listenPort: trunkPort,
        carrierAddress: "127.0.0.1",
        carrierPort: phone.address().port,
        allow: ["127.0.0.1"],
        mediaAddress: "127.0.0.1",
        rtpPortMin: 40000,
        rtpPortMax: 40999,
      },
      media: media.rtpParties({ address: "127.0.0.1", portMin: 40000, portMax: 40999 }),
      log: silent,
    });
    // A fake of the TrunkCalls port (the control plane): the number by its DID, and a call that
    // the agent answers before `inbound` returns.
    trunk.serve({
      numberOfDid: async (did) => (did === DID ? number.id : null),
      inbound: async () => {
        const call = { id: "call-1", direction: "inbound", customerChannel: "sip" } as CallRecord;
        trunk.answered(call);
        return call;
      },
      farEndHangup: () => {},
      farEndAnswered: () => {},
      thirdPartyAnswered: () => {},
      thirdPartyLeft: () => {},
    });
  });

  after(async () => {
    await trunk.close();
    await media.close();
    phone.close();
  });

  it("sends the 200 OK, with its SDP, as soon as the dialog exists", async () => {
    phone.send(invite(trunkPort, phone.address().port), trunkPort, TRUNK_HOST);
    const deadline = Date.now() + 3000;
    while (!received.some((m) => m.startsWith("SIP/2.0 200")) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const statuses = received.map((m) => m.slice(0, m.indexOf("\r\n")));
    const ok = received.find((m) => m.startsWith("SIP/2.0 200"));
    assert.ok(ok, `the phone got only: ${statuses.join(", ")}`);
    assert.match(ok, /\r\nm=audio \d+ RTP\/AVP 0[ \r]/);
    assert.ok(statuses.indexOf("SIP/2.0 180 Ringing") < statuses.indexOf("SIP/2.0 200 OK"));
  });
});
