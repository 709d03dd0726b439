// The one SDP toolkit's limits and malformed SDPs: each refused with a reason, never a throw.
// Real SDPs are the vectors of media/offerCheck.test.ts and telephony/sip/sdp.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSdp, SDP_LIMITS } from "./sdp.ts";

const base = [
  "v=0",
  "o=- 1 1 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 31006 RTP/AVP 0 8 101",
  "a=rtpmap:0 PCMU/8000",
  "",
].join("\r\n");

describe("SDP toolkit: limits and malformed SDPs", () => {
  it("parses a well-formed SDP", () => {
    const parsed = parseSdp(base);
    assert.ok(parsed.ok);
    assert.equal(parsed.sdp.media[0].port, 31006);
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ["not a string", 42, /not an SDP/],
    ["no v=0", "hello", /not an SDP/],
    ["too long", base + "a=x\r\n".repeat(SDP_LIMITS.maxChars / 5), /longer than 20000 characters/],
    [
      "too many m-lines",
      base + "m=audio 1 RTP/AVP 0\r\n".repeat(SDP_LIMITS.maxMedia),
      /more than 8 m= sections/,
    ],
    [
      "too many candidates",
      base + "a=candidate:1 1 UDP 1 192.0.2.1 9 typ host\r\n".repeat(SDP_LIMITS.maxCandidates + 1),
      /more than 64 candidates/,
    ],
    ["a malformed m-line", base.replace("m=audio 31006", "m=audio port"), /malformed m= line/],
    ["a port out of range", base.replace("m=audio 31006", "m=audio 99999"), /malformed m= line/],
  ];
  for (const [name, sdp, reason] of refused) {
    it(`refuses ${name} with a reason, without throwing`, () => {
      const parsed = parseSdp(sdp);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? "" : parsed.reason, reason);
    });
  }

  it("never throws on arbitrary bytes after v=0", () => {
    let seed = 7;
    for (let n = 0; n < 2000; n++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const junk = Buffer.from(Array.from({ length: n % 300 }, (_, i) => (seed >> (i % 24)) & 0x7f)).toString(
        "latin1",
      );
      const lines = ["v=0", ...junk.split(/(?=[a-z]=)/)].join("\r\n");
      parseSdp(lines);
    }
  });
});
