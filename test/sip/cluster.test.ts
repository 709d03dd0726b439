// A SIP trunk in a cluster: the carrier's call reaches node A, which carries it (its SIP dialog,
// its RTP and its media), while the agent works through node B. Her answer and her hang-up on
// B must reach the phone through A's trunk, and her browser on B must hear the phone.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { writeToneWav } from "../support/audio.ts";
import type { Baresip } from "../support/baresip.ts";
import { BrowserParty } from "../support/browser.ts";
import { getCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { Client, startServer, type TestServer } from "../support/server.ts";
import { type Backends, requireBackends, startBackends } from "../support/services.ts";
import { type SignalHarness, startSignalHarness } from "../support/signal-harness.ts";
import { dialSupport, startPhone, startTrunkServer } from "../support/sip-phone.ts";

const PHONE_TONE = 440;

describe("a SIP trunk call across two nodes", {
  timeout: 120_000,
}, () => {
  let dir: string;
  let backends: Backends;
  let a: TestServer;
  let b: TestServer;
  let phone: Baresip & { sipPort: number };
  let harness: SignalHarness;
  let agent: BrowserParty;
  let trunkPort: number;

  before(async () => {
    requireBackends();
    dir = mkdtempSync(join(tmpdir(), "earshot-sip-cluster-"));
    backends = await startBackends();
    const databaseUrl = await backends.database("sip_cluster");
    phone = await startPhone(dir, "phone", { tone: PHONE_TONE, seconds: 60, rtpPorts: "21400-21499" });
    const common = { databaseUrl, redisUrl: backends.redisUrl };
    ({ server: a, trunkPort } = await startTrunkServer({
      ...common,
      carrier: `127.0.0.1:${phone.sipPort}`,
      rtpPorts: "23300-23399",
      env: { EARSHOT_SECRET: "shared" },
    }));
    b = await startServer({
      ...common,
      media: await testMedia({ hosts: ["127.0.0.1"] }),
      env: { EARSHOT_SECRET: "shared" },
    });
    harness = await startSignalHarness();
    writeToneWav(join(dir, "agent.wav"), 1000, 30);
    agent = await BrowserParty.launch("agent", harness, join(dir, "agent.wav"));
  });
  after(async () => {
    await agent?.close();
    await harness?.close();
    await phone?.stop();
    await b?.close();
    await a?.close();
    await backends?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the agent answers and hangs up through node B; the phone on node A's trunk follows", async () => {
    const ana = await Client.login(b.url, "ana@demo.test");
    const ringing = await dialSupport(phone, trunkPort, ana);

    assert.equal((await ana.post(`/calls/${ringing.id}/answer`)).status, 200);
    await phone.waitEvent("CALL_ESTABLISHED"); // A's trunk sent the 200 OK
    const ws = `${b.url.replace("http", "ws")}/api/v1/ws?token=${ana.token}`;
    await agent.joinViaApi(ws, ringing.id, "agent", "pcmu");
    await agent.waitTone(0, PHONE_TONE, true, 8000); // A's media, reached from B

    assert.equal((await ana.post(`/calls/${ringing.id}/hangup`)).status, 200);
    await phone.waitEvent("CALL_CLOSED"); // A's trunk sent the BYE
    assert.equal((await getCall(ana, ringing.id)).state, "ended");
    await agent.leave();
  });
});
