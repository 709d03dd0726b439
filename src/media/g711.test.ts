// G.711 against vectors: the standard's well-known code ↔ value pairs, and every code and every
// 16-bit input against an independent implementation (fixtures/g711-audioop.json says how it
// was made).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  alawToLinear,
  alawToUlaw,
  linearToAlaw,
  linearToUlaw,
  mixUlaw,
  ulawToAlaw,
  ulawToLinear,
} from "./g711.ts";

interface Law {
  decode: number[];
  encode: Array<[number, number]>;
}
const vectors = JSON.parse(
  readFileSync(new URL("./fixtures/g711-audioop.json", import.meta.url), "utf8"),
) as {
  ulaw: Law;
  alaw: Law;
};

/** The code every 16-bit value encodes to, from the fixture's change points. */
function expectedCodes(law: Law): Uint8Array {
  const out = new Uint8Array(65536);
  for (let i = 0; i < law.encode.length; i++) {
    const [from, code] = law.encode[i];
    const to = i + 1 < law.encode.length ? law.encode[i + 1][0] : 32768;
    out.fill(code, from + 32768, to + 32768);
  }
  return out;
}

describe("G.711 µ-law", () => {
  it("decodes the standard's extremes and zeros", () => {
    assert.equal(ulawToLinear(0xff), 0);
    assert.equal(ulawToLinear(0x7f), 0); // "negative zero"
    assert.equal(ulawToLinear(0x00), -32124);
    assert.equal(ulawToLinear(0x80), 32124);
    assert.equal(ulawToLinear(0xfe), 8);
    assert.equal(linearToUlaw(0), 0xff);
    assert.equal(linearToUlaw(-32768), 0x00);
    assert.equal(linearToUlaw(32767), 0x80);
  });

  it("decodes every code as the independent implementation does", () => {
    for (let c = 0; c < 256; c++) assert.equal(ulawToLinear(c), vectors.ulaw.decode[c], `code ${c}`);
  });

  it("encodes every 16-bit value as the independent implementation does", () => {
    const expected = expectedCodes(vectors.ulaw);
    for (let v = -32768; v < 32768; v++) {
      if (linearToUlaw(v) !== expected[v + 32768])
        assert.fail(`${v}: ${linearToUlaw(v)} ≠ ${expected[v + 32768]}`);
    }
  });

  it("round-trips every code (−0 becomes +0)", () => {
    for (let c = 0; c < 256; c++)
      assert.equal(linearToUlaw(ulawToLinear(c)), c === 0x7f ? 0xff : c, `code ${c}`);
  });
});

describe("G.711 A-law", () => {
  it("decodes the standard's extremes and smallest steps", () => {
    assert.equal(alawToLinear(0xd5), 8);
    assert.equal(alawToLinear(0x55), -8);
    assert.equal(alawToLinear(0xaa), 32256);
    assert.equal(alawToLinear(0x2a), -32256);
    assert.equal(linearToAlaw(0), 0xd5);
    assert.equal(linearToAlaw(-1), 0x55);
  });

  it("decodes every code as the independent implementation does", () => {
    for (let c = 0; c < 256; c++) assert.equal(alawToLinear(c), vectors.alaw.decode[c], `code ${c}`);
  });

  it("encodes every 16-bit value as the independent implementation does", () => {
    const expected = expectedCodes(vectors.alaw);
    for (let v = -32768; v < 32768; v++) {
      if (linearToAlaw(v) !== expected[v + 32768])
        assert.fail(`${v}: ${linearToAlaw(v)} ≠ ${expected[v + 32768]}`);
    }
  });

  it("round-trips every code", () => {
    for (let c = 0; c < 256; c++) assert.equal(linearToAlaw(alawToLinear(c)), c, `code ${c}`);
  });
});

describe("G.711 transcoding and mixing", () => {
  it("A-law ↔ µ-law keep a value's nearest code", () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, c) => c));
    const viaUlaw = alawToUlaw(all);
    for (let c = 0; c < 256; c++) {
      const a = alawToLinear(c);
      assert.ok(Math.abs(ulawToLinear(viaUlaw[c]) - a) <= Math.max(16, Math.abs(a) / 16), `A-law ${c}`);
    }
    const back = ulawToAlaw(all);
    for (let c = 0; c < 256; c++) assert.equal(back[c], linearToAlaw(ulawToLinear(c)));
  });

  it("mixes two µ-law frames by summing and clipping", () => {
    const loud = Buffer.from([0x80, 0x80]); // +32124 each
    assert.deepEqual([...mixUlaw(loud, loud)], [linearToUlaw(32767), linearToUlaw(32767)]);
    const a = Buffer.from([linearToUlaw(1000)]);
    const b = Buffer.from([linearToUlaw(-1000)]);
    assert.equal(ulawToLinear(mixUlaw(a, b)[0]), 0);
  });
});
