// Issue 6 end to end, calls coming in: Earshot with a SIP trunk, Debian's baresip as the
// customer's phone (A) and as the carrier's far ends (B), an agent and a coach in headless
// Chromium (1000 / 1700 Hz fake microphones). What baresip A recorded must hold the coach's tone
// only while barging, the agent's always; transfers and third parties go out to B.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Call, CoachingSession } from "../../src/protocol/resources.ts";
import type { SipTrunk } from "../../src/telephony/sip/SipTrunk.ts";
import { toneLevelDb, writeToneWav } from "../support/audio.ts";
import { type Baresip, wavSamples } from "../support/baresip.ts";
import { BrowserParty } from "../support/browser.ts";
import { getCall } from "../support/calls.ts";
import { demoOrg, type TestServer } from "../support/server.ts";
import { type SignalHarness, startSignalHarness } from "../support/signal-harness.ts";
import { dialSupport, onlyAnaAvailable, startPhone, startTrunkServer, until } from "../support/sip-phone.ts";

const TONE = { customer: 440, agent: 1000, coach: 1700, carrier: 600 };

describe("SIP trunk against baresip: inbound calls", { timeout: 240_000 }, () => {
  let dir: string;
  let server: TestServer;
  let harness: SignalHarness;
  let phoneA: Baresip & { sipPort: number };
  let carrierB: Baresip & { sipPort: number };
  let agent: BrowserParty;
  let coach: BrowserParty;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let trunkPort: number;
  const trunkLog: { msg: string; fields: Record<string, unknown> }[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "earshot-sip-"));
    phoneA = await startPhone(dir, "a", { tone: TONE.customer, rtpPorts: "21000-21099" });
    carrierB = await startPhone(dir, "b", {
      tone: TONE.carrier,
      rtpPorts: "21100-21199",
      users: ["+15550001", "+15550003", "112"],
    });
    ({ server, trunkPort } = await startTrunkServer({
      carrier: `127.0.0.1:${carrierB.sipPort}`,
      rtpPorts: "23000-23099",
      onTrunkLog: (msg, fields) => trunkLog.push({ msg, fields }),
    }));
    org = await demoOrg(server.url);
    await onlyAnaAvailable(org);
    harness = await startSignalHarness();
    writeToneWav(join(dir, "agent.wav"), TONE.agent, 30);
    writeToneWav(join(dir, "coach.wav"), TONE.coach, 30);
    [agent, coach] = await Promise.all([
      BrowserParty.launch("agent", harness, join(dir, "agent.wav")),
      BrowserParty.launch("coach", harness, join(dir, "coach.wav")),
    ]);
  });
  after(async () => {
    await Promise.all([agent?.close(), coach?.close()]);
    await harness?.close();
    await Promise.all([phoneA?.stop(), carrierB?.stop()]);
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ws = (token: string | null) => `${server.url.replace("http", "ws")}/api/v1/ws?token=${token}`;

  /** baresip A calls Support's DID; ana answers and attaches her browser audio. */
  async function inboundCall(): Promise<Call> {
    const ringing = await dialSupport(phoneA, trunkPort, org.ana);
    assert.equal((await org.ana.post(`/calls/${ringing.id}/answer`)).status, 200);
    await phoneA.waitEvent("CALL_ESTABLISHED");
    await agent.joinViaApi(ws(org.ana.token), ringing.id, "agent", "pcmu");
    return ringing;
  }

  it("an inbound trunk call is coached: the phone hears the coach only in barge", async () => {
    const call = await inboundCall();
    const trunk = server.earshot.services.ctx.trunk as SipTrunk;
    const ports = trunk.dialogs.byCall(call.id).map((d) => d.leg.port);
    assert.ok(
      ports.length === 1 && ports[0] >= 23000 && ports[0] <= 23099,
      `RTP inside SIP_TRUNK_RTP_PORTS: ${ports}`,
    );
    const session = (await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {}))
      .body.session;
    await coach.joinViaApi(ws(org.sofia.token), call.id, "coach", "pcmu");
    await agent.waitTone(0, TONE.customer, true, 8000); // ana hears the SIP customer
    const marks: Record<string, [number, number]> = {};
    const phase = async (name: string, mode: string | null) => {
      if (mode) await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode });
      const start = phoneA.recordedBytes() + 8000; // skip 0.5 s after the switch
      await new Promise((r) => setTimeout(r, 2500));
      marks[name] = [start, phoneA.recordedBytes()];
    };
    await phase("listen", null);
    await phase("whisper", "whisper");
    await agent.waitTone(1, TONE.coach, true, 4000);
    await phase("barge", "barge");
    await phase("listen again", "listen");
    await phoneA.command("hangup");
    await phoneA.waitEvent("CALL_CLOSED");
    await until(
      async () => (await getCall(org.admin, call.id)).state === "ended",
      "the call ends when the phone hangs up",
    );
    const audit = (
      await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)
    ).body.sessions;
    assert.equal(audit[0].endReason, "call_ended");

    const wav = phoneA.decodedWav();
    assert.ok(wav, "baresip recorded what it heard");
    const levels: Record<string, { agent: number; coach: number }> = {};
    for (const [name, [from, to]] of Object.entries(marks)) {
      const s = wavSamples(wav, from, to);
      assert.ok(s.length > 8000, `${name}: ${s.length} samples recorded`);
      const x = Float32Array.from(s, (v) => v / 32768);
      levels[name] = { agent: toneLevelDb(x, TONE.agent, 8000), coach: toneLevelDb(x, TONE.coach, 8000) };
    }
    const msg = JSON.stringify(levels);
    console.log("levels in what baresip heard (dB):", msg);
    for (const name of ["listen", "whisper", "barge", "listen again"])
      assert.ok(levels[name].agent > -40, `agent heard in ${name}: ${msg}`);
    for (const name of ["listen", "whisper", "listen again"])
      assert.ok(levels[name].coach < -60, `no coach in ${name}: ${msg}`);
    assert.ok(levels.barge.coach > -40, `coach heard in barge: ${msg}`);
    await agent.leave();
    await coach.leave();
  });

  it("takes calls over TCP too", async () => {
    const ringing = await dialSupport(phoneA, trunkPort, org.ana, "tcp");
    await org.ana.post(`/calls/${ringing.id}/answer`);
    await phoneA.waitEvent("CALL_ESTABLISHED");
    await org.ana.post(`/calls/${ringing.id}/hangup`);
    await phoneA.waitEvent("CALL_CLOSED");
  });

  it("an external transfer lands on the carrier's far end and ends coaching with external_transfer", async () => {
    carrierB.events.length = 0; // only this call's events from here
    const call = await inboundCall();
    const session = (await org.sofia.post<{ session: CoachingSession }>(`/calls/${call.id}/coaching`, {}))
      .body.session;
    const t = await org.ana.post<{ call: Call }>(`/calls/${call.id}/transfer`, { toNumber: "+15550003" });
    assert.equal(t.status, 200);
    await carrierB.waitEvent("CALL_ESTABLISHED");
    const audit = (
      await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)
    ).body.sessions;
    assert.equal(audit.find((s) => s.id === session.id)?.endReason, "external_transfer");
    assert.equal(
      (await org.sofia.post(`/calls/${call.id}/coaching`, {})).body.error?.code,
      "external_transfer",
    );
    // The customer hangs up: Earshot releases the transferred-to party with a BYE.
    await phoneA.command("hangup");
    await until(
      async () => (await getCall(org.admin, call.id)).state === "ended",
      "the transferred call ends",
    );
    await carrierB.waitEvent("CALL_CLOSED");
    const released = trunkLog.filter(
      (l) => l.msg === "sip: releasing far end" && l.fields.callId === call.id,
    );
    assert.deepEqual(
      released.map((l) => [l.fields.party, l.fields.state]),
      [["agent", "confirmed"]],
      "Earshot sent a BYE to the transferred-to party",
    );
    await agent.leave();
  });

  it("a third party joins over the trunk: all three hear each other, a standby coach is cut off, the third can leave", async () => {
    carrierB.events.length = 0;
    const call = await inboundCall();
    // sofia has the Coach dialog open on this call: a standby coach leg, silent both ways.
    await coach.joinViaApi(ws(org.sofia.token), call.id, "coach", "pcmu");
    const closed = async () => (await coach.wsMessages()).filter((m) => m.type === "media.closed").length;
    const closedBefore = await closed();
    const r = await org.ana.post<{ call: Call }>(`/calls/${call.id}/participants`, { number: "+15550001" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.call.conference, true);
    assert.equal(r.body.call.thirdParty, "+15550001");
    await carrierB.waitEvent("CALL_ESTABLISHED");
    await until(async () => (await closed()) > closedBefore, "the standby coach leg is closed");
    await agent.waitTone(0, TONE.customer, true, 8000);
    await agent.waitTone(1, TONE.carrier, true, 8000); // ana hears the third party

    const aFrom = phoneA.recordedBytes() + 8000;
    const bFrom = carrierB.recordedBytes() + 8000;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const heard = (phone: Baresip, from: number, to: number) => {
      const wav = phone.decodedWav();
      assert.ok(wav, "baresip recorded what it heard");
      const x = Float32Array.from(wavSamples(wav, from, to), (v) => v / 32768);
      assert.ok(x.length > 8000, `${x.length} samples recorded`);
      const db = (hz: number) => toneLevelDb(x, hz, 8000);
      return {
        customer: db(TONE.customer),
        agent: db(TONE.agent),
        carrier: db(TONE.carrier),
        coach: db(TONE.coach),
      };
    };
    const customer = heard(phoneA, aFrom, phoneA.recordedBytes());
    const third = heard(carrierB, bFrom, carrierB.recordedBytes());
    const msg = JSON.stringify({ customer, third });
    assert.ok(
      customer.agent > -40 && customer.carrier > -40,
      `the customer hears the agent and the third party: ${msg}`,
    );
    assert.ok(
      third.customer > -40 && third.agent > -40,
      `the third party hears the customer and the agent: ${msg}`,
    );
    assert.ok(customer.coach < -60 && third.coach < -60, `nobody hears the cut-off coach: ${msg}`);

    // The third party hangs up (baresip's "hangup" acts on its first account's call, hence
    // +15550001): only its leg ends; the customer and ana go on.
    await carrierB.command("hangup");
    await carrierB.waitEvent("CALL_CLOSED");
    await agent.waitTone(1, TONE.carrier, false, 5000);
    await agent.waitTone(0, TONE.customer, true, 3000);
    await until(
      async () => (await getCall(org.admin, call.id)).thirdParty === null,
      "the call says the third party left",
    );
    assert.equal((await getCall(org.admin, call.id)).state, "in_progress");
    await phoneA.command("hangup");
    await until(async () => (await getCall(org.admin, call.id)).state === "ended", "the call ends");
    await agent.leave();
    await coach.leave();
  });

  it("the agent gone in a trunk conference: Earshot sends the third party a BYE, the customer waits again", async () => {
    carrierB.events.length = 0;
    const call = await inboundCall();
    assert.equal((await org.ana.post(`/calls/${call.id}/participants`, { number: "+15550001" })).status, 200);
    await carrierB.waitEvent("CALL_ESTABLISHED");
    await agent.waitTone(1, TONE.carrier, true, 8000);
    const releasedBefore = trunkLog.length;
    await server.earshot.services.calls.legLost(call.id, "agent");
    await carrierB.waitEvent("CALL_CLOSED");
    const released = trunkLog
      .slice(releasedBefore)
      .filter((l) => l.msg === "sip: releasing far end" && l.fields.callId === call.id);
    assert.deepEqual(
      released.map((l) => [l.fields.party, l.fields.state]),
      [["coach", "confirmed"]],
      "only the third party is released (a BYE); the customer stays",
    );
    const waiting = await getCall(org.admin, call.id);
    assert.deepEqual(
      [waiting.state, waiting.agentId, waiting.conference, waiting.thirdParty],
      ["ringing", null, false, null],
    );
    await agent.leave();
    await phoneA.command("hangup");
    await until(async () => (await getCall(org.admin, call.id)).state === "ended", "the customer hangs up");
    assert.equal((await getCall(org.admin, call.id)).endReason, "abandoned");
    await org.ana.patch("/me", { availability: "available" });
  });
});
