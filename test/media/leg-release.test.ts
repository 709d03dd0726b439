// A media node runs for months and opens three WebRTC legs per coached call: each leg's UDP
// sockets (werift's ICE candidates) must be released when the leg ends, whether the coach
// leaves (detach) or the call ends (close), or the process runs out of file descriptors.
// The parties are werift peers in a child process (the media bench's simulated parties,
// test/support/mediaClient.ts), so every UDP socket counted here is the node's own.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { after, describe, it } from "node:test";
import type { MediaCall } from "../../src/media/MediaCall.ts";
import { MediaNode } from "../../src/media/MediaNode.ts";
import type { FromClient, ToClient } from "../support/mediaClient.ts";

const udpSockets = () => process.getActiveResourcesInfo().filter((r) => r === "UDPWrap").length;

describe("media legs release their sockets", () => {
  const node = MediaNode.create({ hosts: ["127.0.0.1"] });
  const parties = fork(new URL("../../test/support/mediaClient.ts", import.meta.url).pathname, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const tell = (m: ToClient) => parties.send(m);
  after(async () => {
    tell({ type: "exit" });
    (await node).close();
  });

  it("when the coach leaves and when the call ends, over several calls", async () => {
    const media = await node;
    const calls = new Map<number, MediaCall>();
    let ready: (() => void) | undefined;
    parties.on("message", (m: FromClient) => {
      if (m.type === "offer") {
        const call = calls.get(m.call) ?? media.openCall(`release-${m.call}`, { codec: "opus" });
        calls.set(m.call, call);
        call.attachWebRtc(m.role, m.sdp).then(
          ({ answerSdp }) => tell({ type: "answer", id: m.id, sdp: answerSdp }),
          (error: Error) => assert.fail(error),
        );
      } else if (m.type === "ready") ready?.();
      else if (m.type === "failed") assert.fail(m.message);
    });
    // The count is the process's: the files that ran before this one in it (scripts/test.mjs)
    // may still be closing sockets of theirs, so the baseline is taken once it holds still.
    const baseline = await steadyUdpSockets();
    for (let round = 0; round < 3; round++) {
      await new Promise<void>((resolve) => {
        ready = resolve;
        tell({ type: "add", calls: 1 });
      });
      const call = calls.get(round);
      assert.ok(call);
      // Up on the node's side too (its DTLS handshake done), as a real leg is before it ends.
      await until(
        () => (["customer", "agent", "coach"] as const).every((p) => call.leg(p)?.connected),
        "a leg never connected",
      );
      const threeLegs = udpSockets() - baseline;
      assert.ok(threeLegs >= 3, `the node's three legs hold ${threeLegs} sockets`);

      assert.ok(call.detach("coach", "coach_left"));
      await until(() => udpSockets() - baseline <= (threeLegs * 2) / 3, "the coach's leg kept its sockets");
      call.close();
      await until(() => udpSockets() === baseline, "the call's legs kept their sockets");
    }
  });
});

/** The process's UDP socket count once it has not changed for a second (at most 15 s). */
async function steadyUdpSockets(): Promise<number> {
  const end = Date.now() + 15_000;
  let count = udpSockets();
  let since = Date.now();
  while (Date.now() - since < 1000 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    const now = udpSockets();
    if (now !== count) {
      count = now;
      since = Date.now();
    }
  }
  return count;
}

async function until(check: () => boolean, message: string): Promise<void> {
  const end = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > end) assert.fail(`${message} (${udpSockets()} UDP sockets open)`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
