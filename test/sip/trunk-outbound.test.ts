// Issue 6 end to end, calls going out: Earshot's SIP trunk dials the carrier, here Debian's
// baresip answering as the far ends; hold and resume both ways, a far-end hang-up, and an
// emergency number, which is marked and cannot be coached. No browser: the API drives it.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Call } from "../../src/protocol/resources.ts";
import type { Baresip } from "../support/baresip.ts";
import { getCall } from "../support/calls.ts";
import { demoOrg, type TestServer } from "../support/server.ts";
import { startPhone, startTrunkServer, until } from "../support/sip-phone.ts";

describe("SIP trunk against baresip: outbound calls", { timeout: 120_000 }, () => {
  let dir: string;
  let server: TestServer;
  let carrierB: Baresip & { sipPort: number };
  let org: Awaited<ReturnType<typeof demoOrg>>;
  const trunkLog: { msg: string; fields: Record<string, unknown> }[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "earshot-sip-out-"));
    carrierB = await startPhone(dir, "b", { tone: 600, rtpPorts: "21300-21399", users: ["15550001", "112"] });
    ({ server } = await startTrunkServer({
      carrier: `127.0.0.1:${carrierB.sipPort}`,
      rtpPorts: "23200-23299",
      onTrunkLog: (msg, fields) => trunkLog.push({ msg, fields }),
    }));
    org = await demoOrg(server.url);
  });
  after(async () => {
    await carrierB?.stop();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("an outbound call reaches the carrier; hold, resume and a far-end hang-up work", async () => {
    const r = await org.ana.post<{ call: Call }>("/calls", { numberId: org.support, to: "15550001" });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await carrierB.waitEvent("CALL_ESTABLISHED");
    await until(
      async () => (await getCall(org.ana, r.body.call.id)).state === "in_progress",
      "answered by the far end",
    );
    assert.equal((await org.ana.post(`/calls/${r.body.call.id}/hold`)).status, 200);
    await carrierB.waitEvent("CALL_REMOTE_SDP").catch(() => undefined);
    assert.equal((await org.ana.post(`/calls/${r.body.call.id}/resume`)).status, 200);
    // The far end holds and resumes too (re-INVITEs towards Earshot): the call stays up.
    await carrierB.command("hold");
    await new Promise((r) => setTimeout(r, 300));
    await carrierB.command("resume");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await getCall(org.ana, r.body.call.id)).state, "in_progress");
    const reinvites = trunkLog.filter((l) => l.msg === "sip: re-INVITE").map((l) => l.fields.direction);
    assert.deepEqual(reinvites.slice(-2), ["sendonly", "sendrecv"]);
    await carrierB.command("hangup");
    await until(
      async () => (await getCall(org.ana, r.body.call.id)).state === "ended",
      "far-end hang-up ends the call",
    );
    assert.equal((await getCall(org.ana, r.body.call.id)).endReason, "hangup_customer");
  });

  it("emergency numbers go out over the trunk, are marked and cannot be coached", async () => {
    const r = await org.ana.post<{ call: Call }>("/calls", { numberId: org.support, to: "112" });
    assert.equal(r.body.call.emergency, true);
    await carrierB.waitEvent("CALL_ESTABLISHED");
    await until(
      async () => (await getCall(org.ana, r.body.call.id)).state === "in_progress",
      "the emergency call connects",
    );
    assert.equal(
      (await org.sofia.post(`/calls/${r.body.call.id}/coaching`, {})).body.error?.code,
      "emergency_call",
    );
    await org.ana.post(`/calls/${r.body.call.id}/hangup`);
    await carrierB.waitEvent("CALL_CLOSED");
  });
});
