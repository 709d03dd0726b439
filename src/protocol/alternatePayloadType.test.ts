import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addPayloadTypeToSlots, offeredAlternate, withAlternatePayloadType } from "./alternatePayloadType.ts";

/** The shape of a Chromium offer: a microphone and two receive slots, Opus first. */
const section = (mid: number, direction: string) =>
  [
    `m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126`,
    "c=IN IP4 0.0.0.0",
    `a=mid:${mid}`,
    `a=${direction}`,
    "a=rtpmap:111 opus/48000/2",
    "a=rtcp-fb:111 transport-cc",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:63 red/48000/2",
    "a=fmtp:63 111/111",
    "a=rtpmap:9 G722/8000",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:13 CN/8000",
    "a=rtpmap:110 telephone-event/48000",
    "a=rtpmap:126 telephone-event/8000",
  ].join("\r\n");
const OFFER = [
  "v=0",
  "o=- 1 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1 2",
  section(0, "sendonly"),
  section(1, "recvonly"),
  section(2, "recvonly"),
  "",
].join("\r\n");

const answerSection = (mid: number, direction: string) =>
  [
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    `a=mid:${mid}`,
    `a=${direction}`,
    "a=rtpmap:111 opus/48000/2",
    "a=fmtp:111 minptime=10;useinbandfec=1",
  ].join("\r\n");
const ANSWER = [
  "v=0",
  "s=-",
  answerSection(0, "recvonly"),
  answerSection(1, "sendonly"),
  answerSection(2, "sendonly"),
  "",
].join("\r\n");

describe("alternate payload type of the receive slots", () => {
  it("the browser offers its first codec again under a free dynamic payload type, on the slots only", () => {
    const offer = withAlternatePayloadType(OFFER);
    const sections = offer.split("\r\nm=").slice(1);
    assert.equal(sections.length, 3);
    assert.doesNotMatch(sections[0], /:96 /, "the microphone section is unchanged");
    for (const s of sections.slice(1)) {
      assert.match(s, /^audio 9 UDP\/TLS\/RTP\/SAVPF 111 63 9 0 8 13 110 126 96\r\n/);
      assert.match(s, /\r\na=rtpmap:96 opus\/48000\/2\r\n/);
      assert.match(s, /\r\na=fmtp:96 minptime=10;useinbandfec=1\r\n/);
    }
    assert.equal(offeredAlternate(offer, "opus/48000", 111), 96);
    assert.equal(offeredAlternate(OFFER, "opus/48000", 111), null, "a plain offer has none");
    assert.equal(offeredAlternate(offer, "PCMU/8000", 0), null, "none for another codec");
  });

  it("the answer accepts the alternate on the slots, beside the codec the answer chose", () => {
    const answer = addPayloadTypeToSlots(ANSWER, 96);
    const sections = answer.split("\r\nm=").slice(1);
    assert.equal(sections[0], answerSection(0, "recvonly").slice(2));
    for (const s of sections.slice(1)) {
      assert.match(s, /^audio 9 UDP\/TLS\/RTP\/SAVPF 111 96\r\n/);
      assert.match(s, /\r\na=rtpmap:96 opus\/48000\/2\r\n/);
      assert.match(s, /\r\na=fmtp:96 minptime=10;useinbandfec=1/);
    }
    assert.ok(answer.endsWith("\r\n"));
  });
});
