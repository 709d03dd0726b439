// Probes on the socket, with a fake media plane: only an authenticated connection probes, at
// most PROBE.perConnection at a time, and every probe closes with its socket — also one whose
// answer arrives after the socket closed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MediaProbe, ProbeHandle } from "../control/mediaPorts.ts";
import type { UserRecord } from "../control/model.ts";
import { PROBE } from "../protocol/messages.ts";
import { Probes } from "./probes.ts";

class FakeProbe implements ProbeHandle {
  closed = false;
  constructor(private readonly onClose: (p: ProbeHandle) => void) {}
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }
}

class FakeMedia implements MediaProbe {
  readonly made: FakeProbe[] = [];
  gate: Promise<void> = Promise.resolve();
  async probe(_sdp: string, onClose: (p: ProbeHandle) => void) {
    await this.gate;
    const probe = new FakeProbe(onClose);
    this.made.push(probe);
    return { probe, answerSdp: "v=0 answer" };
  }
}

const user = { id: "u1" } as UserRecord;
const msg = (n: number) => ({ type: "media.probe" as const, requestId: `r${n}`, sdp: "v=0\r\n" });

describe("Probes", () => {
  it("refuses a connection with neither a user nor a widget call", async () => {
    const probes = new Probes(new FakeMedia());
    await assert.rejects(probes.probe({ user: null, widgetCallId: null }, msg(1)), {
      code: "unauthenticated",
    });
  });

  it("refuses what is not an SDP, and oversized SDP, before the media plane sees it", async () => {
    const media = new FakeMedia();
    const probes = new Probes(media);
    const peer = { user, widgetCallId: null };
    await assert.rejects(probes.probe(peer, { ...msg(1), sdp: "hello" }), { code: "signalling_error" });
    await assert.rejects(probes.probe(peer, { ...msg(2), sdp: `v=0${"x".repeat(20_001)}` }), {
      code: "signalling_error",
    });
    assert.equal(media.made.length, 0);
  });

  it("caps open probes per connection, frees a slot when one closes, and closes all with the socket", async () => {
    const media = new FakeMedia();
    const probes = new Probes(media);
    const peer = { user: null, widgetCallId: "call-1" };
    for (let i = 0; i < PROBE.perConnection; i++) {
      assert.equal((await probes.probe(peer, msg(i))).type, "media.probe_answer");
    }
    await assert.rejects(probes.probe(peer, msg(99)), { code: "rate_limited" });
    media.made[0].close();
    assert.equal(
      (await probes.probe(peer, msg(100))).type,
      "media.probe_answer",
      "a closed probe frees its slot",
    );
    const other = { user, widgetCallId: null };
    assert.equal((await probes.probe(other, msg(1))).type, "media.probe_answer", "the cap is per connection");
    probes.closeAll(peer);
    assert.equal(media.made.filter((p) => !p.closed).length, 1, "only the other connection's probe is open");
  });

  it("closes a probe answered after its socket closed", async () => {
    const media = new FakeMedia();
    let release = () => {};
    media.gate = new Promise((r) => {
      release = r;
    });
    const probes = new Probes(media);
    const peer = { user, widgetCallId: null };
    const pending = probes.probe(peer, msg(1));
    await new Promise((r) => setImmediate(r));
    probes.closeAll(peer);
    release();
    await pending;
    assert.equal(media.made[0].closed, true);
  });
});
