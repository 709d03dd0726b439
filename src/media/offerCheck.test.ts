// Browser offers (call legs and probes) through the SDP toolkit, on real offers captured from
// Chromium and Firefox (fixtures/sdp/README.md says how).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { connectionOf, parseSdp, SDP_LIMITS } from "../protocol/sdp.ts";
import { CODECS } from "./codecs.ts";
import { MediaError } from "./MediaTypes.ts";
import { checkOffer } from "./offerCheck.ts";
import { checkProbeOffer } from "./ProbeLeg.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/sdp/${name}.sdp`, import.meta.url), "utf8");
const BROWSERS = ["chromium", "firefox"] as const;

describe("SDP toolkit: browsers' offers", () => {
  for (const browser of BROWSERS) {
    it(`accepts ${browser}'s call-leg offer for an Opus and for a PCMU call`, () => {
      const sdp = fixture(`${browser}-leg-offer`);
      for (const codec of [CODECS.opus, CODECS.pcmu]) {
        const offer = checkOffer(sdp, codec);
        assert.equal(offer.sdp, sdp, "werift gets the browser's own text");
        assert.match(offer.fingerprint, /^sha-256 ([0-9a-f]{2}:){31}[0-9a-f]{2}$/);
        assert.match(offer.ufrag, /^[A-Za-z0-9+/]{4,}$/);
      }
    });

    it(`reads every m-line and both address families of ${browser}'s offer`, () => {
      const parsed = parseSdp(fixture(`${browser}-leg-offer`));
      assert.ok(parsed.ok);
      assert.deepEqual(
        parsed.sdp.media.map((m) => m.type),
        ["audio", "audio", "audio"],
      );
      const candidates = parsed.sdp.media.flatMap((m) => m.candidates ?? []);
      assert.ok(candidates.length > 0);
      const connection = connectionOf(parsed.sdp, parsed.sdp.media[0]);
      assert.ok(connection);
      assert.equal(connection.version, 4);
    });

    it(`accepts ${browser}'s probe offer, and refuses it as a call leg`, () => {
      const sdp = fixture(`${browser}-probe-offer`);
      assert.equal(checkProbeOffer(sdp), sdp);
      assert.throws(() => checkOffer(sdp, CODECS.opus), /exactly three audio sections/);
    });
  }

  it("refuses a browser offer whose slots do not receive, or without the call's codec", () => {
    const sdp = fixture("chromium-leg-offer");
    const noReceive = sdp.replace(/a=recvonly/g, "a=sendonly");
    assert.throws(() => checkOffer(noReceive, CODECS.opus), /other two must receive/);
    const noOpus = sdp.replace(/opus\/48000/gi, "speex/48000");
    assert.throws(
      () => checkOffer(noOpus, CODECS.opus),
      (e) => e instanceof MediaError && e.reason === "codec_not_offered",
    );
    const badUfrag = sdp.replace(/a=ice-ufrag:.*/, "a=ice-ufrag:!");
    assert.throws(() => checkOffer(badUfrag, CODECS.opus), /no valid a=ice-ufrag/);
  });

  it("refuses an offer over the one limit, or unparseable, as a typed invalid_sdp", () => {
    const sdp = fixture("firefox-leg-offer");
    for (const bad of [`${sdp}${"a=x\r\n".repeat(SDP_LIMITS.maxChars / 5)}`, "v=0\r\nm=audio x", 7]) {
      assert.throws(
        () => checkOffer(bad, CODECS.opus),
        (e) => e instanceof MediaError && e.code === "signalling_error" && e.reason === "invalid_sdp",
      );
      assert.throws(() => checkProbeOffer(bad), MediaError);
    }
  });
});
