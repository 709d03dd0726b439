// The trunk's SDP through the SDP toolkit: baresip's real offer (media/fixtures/sdp/README.md),
// IPv6, a section's own c= line, audio after another m-line, and what we write.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { SDP_LIMITS } from "../../protocol/sdp.ts";
import { makeSdp, parseSdp, readAudio } from "./sdp.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../media/fixtures/sdp/${name}.sdp`, import.meta.url), "utf8");

describe("SIP trunk SDP", () => {
  it("refuses an SDP over the one limit, or unparseable (488)", () => {
    const base = fixture("baresip-offer");
    assert.equal(readAudio(`${base}${"a=x\r\n".repeat(SDP_LIMITS.maxChars / 5)}`), null);
    assert.equal(readAudio(base.replace("m=audio 31006", "m=audio port")), null);
    assert.equal(readAudio(undefined), null);
  });

  it("reads baresip's offer", () => {
    assert.deepEqual(readAudio(fixture("baresip-offer")), {
      address: "127.0.0.1",
      version: 4,
      port: 31006,
      payloadTypes: [0, 8, 101],
      direction: "sendrecv",
    });
  });

  it("reads IPv6, a section's own c= line, and audio after another m-line", () => {
    const base = fixture("baresip-offer");
    const v6 = base.replace(/IN IP4 127\.0\.0\.1/g, "IN IP6 2001:db8::7");
    assert.deepEqual(readAudio(v6), { ...readAudio(base), address: "2001:db8::7", version: 6 });
    assert.equal(parseSdp(v6), null, "the trunk's sockets are IPv4: 488 rather than a silent call");
    const ownLine = base.replace(
      "m=audio 31006 RTP/AVP 0 8 101\r\n",
      "m=audio 31006 RTP/AVP 0 8 101\r\nc=IN IP4 192.0.2.9\r\n",
    );
    assert.equal(readAudio(ownLine)?.address, "192.0.2.9");
    const videoFirst = base.replace(
      "m=audio",
      "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\nm=audio 0 RTP/AVP 0\r\nm=audio",
    );
    const audio = readAudio(videoFirst);
    assert.equal(audio?.port, 31006, "the first audio section with a port, not the declined one");
    assert.equal(readAudio(base.replace("a=sendrecv", "a=sendonly"))?.direction, "sendonly");
  });

  it("writes what it reads", () => {
    for (const address of ["203.0.113.5", "2001:db8::5"]) {
      const audio = readAudio(makeSdp(address, 20_000, "offer", "recvonly"));
      assert.deepEqual(audio, {
        address,
        version: address.includes(":") ? 6 : 4,
        port: 20_000,
        payloadTypes: [0, 8, 101],
        direction: "recvonly",
      });
    }
  });
});
