import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compactNumber, isDiallable } from "./phoneNumbers.ts";

describe("diallable numbers (third party, external transfer)", () => {
  const emergency = ["112", "911"];
  it("takes E.164: + then 8 to 15 digits, the first not 0", () => {
    for (const n of ["+34600111222", "+12025550123", "+49301234", "+123456789012345"])
      assert.equal(isDiallable(n, emergency), true, n);
  });
  it("refuses short, long, unprefixed or zero-led numbers", () => {
    for (const n of ["12", "+1234567", "+1234567890123456", "34600111222", "+0600111222", "", "+", "abc"])
      assert.equal(isDiallable(n, emergency), false, n);
  });
  it("takes the configured emergency numbers, and only those", () => {
    assert.equal(isDiallable("112", emergency), true);
    assert.equal(isDiallable("911", emergency), true);
    assert.equal(isDiallable("999", emergency), false);
  });
  it("compacts what people type", () => {
    assert.equal(compactNumber(" +34 600-111.222 "), "+34600111222");
    assert.equal(compactNumber("+1 (202) 555-0123"), "+12025550123");
  });
});
