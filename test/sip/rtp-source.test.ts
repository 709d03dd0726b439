// Issue 13 against a real SIP phone (Debian's baresip) and a browser agent: RTP sent to the
// trunk's RTP port from another source (a UDP socket on loopback, the carrier's allowed
// address, another port: an "RTP bleed" injector) is never heard by the agent, whether it
// starts before the phone's first packet or mid-call, while the phone's audio flows; and
// DTMF the phone sends is logged as having arrived, never with its digit.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { linearToUlaw } from "../../src/media/g711.ts";
import type { SipTrunk } from "../../src/telephony/sip/SipTrunk.ts";
import { writeToneWav } from "../support/audio.ts";
import type { Baresip } from "../support/baresip.ts";
import { BrowserParty } from "../support/browser.ts";
import { demoOrg, type TestServer } from "../support/server.ts";
import { freePort } from "../support/services.ts";
import { type SignalHarness, startSignalHarness } from "../support/signal-harness.ts";
import { dialSupport, onlyAnaAvailable, startPhone, startTrunkServer, until } from "../support/sip-phone.ts";

const TONE = { customer: 440, agent: 1000, injected: 2200 };

/** A loud PCMU tone sent every 20 ms from its own loopback port to `port` at `address`. */
async function injector(address: string, port: number) {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
  let seq = 0;
  const timer = setInterval(() => {
    const p = Buffer.alloc(12 + 160);
    p[0] = 0x80;
    p[1] = 0; // PCMU
    p.writeUInt16BE(seq & 0xffff, 2);
    p.writeUInt32BE((seq * 160) >>> 0, 4);
    p.writeUInt32BE(0x0bad0bad, 8);
    for (let i = 0; i < 160; i++)
      p[12 + i] = linearToUlaw(
        Math.round(30000 * Math.sin((2 * Math.PI * TONE.injected * (seq * 160 + i)) / 8000)),
      );
    seq++;
    socket.send(p, port, address);
  }, 20);
  return {
    get sent() {
      return seq;
    },
    stop: () => {
      clearInterval(timer);
      socket.close();
    },
  };
}

describe("trunk RTP source check and DTMF privacy, against baresip", { timeout: 180_000 }, () => {
  let dir: string;
  let server: TestServer;
  let harness: SignalHarness;
  let phone: Baresip & { sipPort: number };
  let agent: BrowserParty;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let trunkPort: number;
  const trunkLog: { msg: string; fields: Record<string, unknown> }[] = [];
  const serverLog: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "earshot-rtp-"));
    phone = await startPhone(dir, "phone", { tone: TONE.customer, rtpPorts: "21200-21299" });
    ({ server, trunkPort } = await startTrunkServer({
      // No call goes out: the carrier is a free port nobody answers on.
      carrier: `127.0.0.1:${await freePort()}`,
      rtpPorts: "23100-23199",
      onTrunkLog: (msg, fields) => trunkLog.push({ msg, fields }),
      logStream: { write: (line) => void serverLog.push(line) },
      env: { LOG_LEVEL: "debug" },
    }));
    org = await demoOrg(server.url);
    await onlyAnaAvailable(org);
    harness = await startSignalHarness();
    writeToneWav(join(dir, "agent.wav"), TONE.agent, 30);
    agent = await BrowserParty.launch("agent", harness, join(dir, "agent.wav"));
  });
  after(async () => {
    await agent?.close();
    await harness?.close();
    await phone?.stop();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ws = (token: string | null) => `${server.url.replace("http", "ws")}/api/v1/ws?token=${token}`;

  it("injected RTP is never heard, before the phone's first packet or mid-call; the phone's audio flows", async () => {
    const ringing = await dialSupport(phone, trunkPort, org.ana);
    const trunk = server.earshot.services.ctx.trunk as SipTrunk;
    const leg = await until(async () => trunk.dialogs.byCall(ringing.id)[0]?.leg, "the call's RTP leg");
    // The attacker sprays the RTP port from the moment it exists, before the phone sends anything.
    const inject = await injector("127.0.0.2", leg.port);
    try {
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await org.ana.post(`/calls/${ringing.id}/answer`)).status, 200);
      await phone.waitEvent("CALL_ESTABLISHED");
      await agent.joinViaApi(ws(org.ana.token), ringing.id, "agent", "pcmu");
      await agent.waitTone(0, TONE.customer, true, 8000); // ana hears the phone
      // Mid-call: the injector goes on for 3 s more while ana listens.
      const worst = { injected: Number.NEGATIVE_INFINITY, customer: Number.POSITIVE_INFINITY };
      for (let i = 0; i < 15; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const levels = await agent.levels([TONE.injected, TONE.customer]);
        assert.ok(levels, "ana's leg is up");
        worst.injected = Math.max(worst.injected, levels[0].levels[0]);
        worst.customer = Math.min(worst.customer, levels[0].levels[1]);
      }
      const msg = JSON.stringify(worst);
      console.log("ana's customer slot while injecting (dB):", msg);
      assert.ok(worst.injected < -60, `the injected tone never reaches ana: ${msg}`);
      assert.ok(worst.customer > -40, `the phone's tone keeps flowing: ${msg}`);
      assert.ok(
        leg.stats.foreignDropped > 100,
        `injected packets dropped and counted: ${leg.stats.foreignDropped}`,
      );
      assert.ok(leg.stats.packetsIn > 100, "the phone's packets are taken");
      assert.equal(
        trunkLog.filter((l) => l.msg.startsWith("sip: RTP from a source")).length,
        1,
        "one log line for the injector, not one per packet",
      );
    } finally {
      inject.stop();
    }

    // DTMF: the phone sends two digits (RFC 4733); that they arrived is logged, never which.
    const before = leg.stats.dtmf;
    await phone.command("sndcode", "7");
    await new Promise((r) => setTimeout(r, 600));
    await phone.command("sndcode", "#");
    await until(async () => leg.stats.dtmf >= before + 2, "both digits arrive", 5000);
    const dtmfLines = trunkLog.filter((l) => /DTMF/i.test(l.msg));
    assert.ok(dtmfLines.length >= 2, "DTMF arrival is logged");
    for (const l of dtmfLines) {
      assert.ok(!("digit" in l.fields), JSON.stringify(l));
      assert.ok(!Object.values(l.fields).some((v) => v === "7" || v === "#"), JSON.stringify(l));
    }
    const logged = serverLog.filter((line) => /dtmf/i.test(line));
    assert.ok(logged.length >= 2, "the server's own log has the DTMF lines");
    for (const line of logged) assert.doesNotMatch(line, /"digit"|"7"|"#"/, line);

    await phone.command("hangup");
    await phone.waitEvent("CALL_CLOSED");
    await agent.leave();
  });
});
