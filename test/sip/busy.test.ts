// A phone caller to a number whose ringing cap is reached hears busy (issue 13): the SIP
// trunk answers 486 Busy Here, where any other refusal is 480 Temporarily Unavailable.

import assert from "node:assert/strict";
import dgram from "node:dgram";
import { after, before, describe, it } from "node:test";
import { testMedia } from "../support/media.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { freePort } from "../support/services.ts";

function invite(callId: string, port: number): string {
  const sdp =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
  return [
    `INVITE sip:+34910000001@127.0.0.2:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK${callId}`,
    "From: <sip:+34600111222@127.0.0.1>;tag=1",
    `To: <sip:+34910000001@127.0.0.2:${port}>`,
    `Call-ID: ${callId}`,
    "CSeq: 1 INVITE",
    "Contact: <sip:carrier@127.0.0.1:5999>",
    "Max-Forwards: 70",
    "Content-Type: application/sdp",
    `Content-Length: ${sdp.length}`,
    "",
    sdp,
  ].join("\r\n");
}

describe("SIP: a number's ringing cap", { timeout: 60_000 }, () => {
  let server: TestServer;
  let trunkPort: number;
  before(async () => {
    trunkPort = await freePort();
    server = await startServer({
      media: await testMedia({ hosts: ["127.0.0.1"] }),
      env: {
        SIP_TRUNK_CARRIER: "127.0.0.1:5999",
        SIP_TRUNK_LISTEN: `127.0.0.2:${trunkPort}`,
        SIP_TRUNK_ALLOW: "127.0.0.1",
        EARSHOT_MAX_RINGING_PER_NUMBER: "1",
      },
    });
  });
  after(() => server?.close());

  it("the first caller rings (180); the second, while it rings, hears busy (486)", async () => {
    const sock = dgram.createSocket("udp4");
    const replies: string[] = [];
    sock.on("message", (m) => replies.push(m.toString()));
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
    const finalFor = async (callId: string) => {
      sock.send(Buffer.from(invite(callId, trunkPort)), trunkPort, "127.0.0.2");
      for (let i = 0; i < 50; i++) {
        const r = replies.find((x) => x.includes(`Call-ID: ${callId}`) && !/^SIP\/2\.0 100/.test(x));
        if (r) return r.split("\r\n")[0];
        await new Promise((res) => setTimeout(res, 100));
      }
      return "no answer";
    };
    try {
      assert.equal(await finalFor("first"), "SIP/2.0 180 Ringing");
      assert.equal(await finalFor("second"), "SIP/2.0 486 Busy Here");
    } finally {
      sock.close();
    }
  });
});
