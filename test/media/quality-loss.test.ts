// Call quality with real loss on one leg: three Chromium parties (widget customer, agent,
// coach) on a real server; the firewall drops 15 % of the UDP datagrams arriving at the agent
// leg's port (iptables' statistic match on loopback, one rule for that port only, removed
// after), not a hook in our code. The API's Call.quality and the Live Monitoring row must show
// the agent's loss and the poor warning in words, in English and Spanish, while the customer's
// and the coach's legs stay good.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import type { Call } from "../../src/protocol/resources.ts";
import { startCoaching, widgetCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { boundPorts, PacketLoss } from "../support/packetLoss.ts";
import { type SupervisionRig, startRig } from "../support/rig.ts";
import { launchChromium, signIn, until } from "../support/web.ts";

/** This test's own media ports: the rule below matches one of them only. */
const PORTS: [number, number] = [47_300, 47_399];
const DROP = 0.15;

describe("call quality: a leg that loses packets is shown poor, the others good", {
  timeout: 120_000,
}, () => {
  let rig: SupervisionRig;
  let browser: Browser;
  const loss = new PacketLoss(DROP);

  before(async () => {
    rig = await startRig(
      await testMedia({ hosts: ["127.0.0.1"], portRange: PORTS, qualityIntervalMs: 1000 }),
    );
    browser = await launchChromium();
  });
  after(async () => {
    loss.remove();
    await browser?.close();
    await rig?.close();
  });

  it("15 % of the agent's packets dropped: the API and Live Monitoring say so, in words", async () => {
    const { server, org, parties, ws } = rig;
    const { call, callToken } = await widgetCall(server.url, org.support);
    await org.ana.post(`/calls/${call.id}/answer`);
    await parties.customer.joinViaApi(
      ws(`callToken=${encodeURIComponent(callToken)}`),
      call.id,
      "customer",
      "opus",
    );
    const before = boundPorts(PORTS);
    await parties.agent.joinViaApi(ws(`token=${org.ana.token}`), call.id, "agent", "opus");
    const agentPorts = [...boundPorts(PORTS)].filter((p) => !before.has(p));
    assert.ok(agentPorts.length > 0, "the agent's leg has its own port");
    for (const port of agentPorts) loss.drop(port);
    await startCoaching(org.sofia, call.id);
    await parties.coach.joinViaApi(ws(`token=${org.sofia.token}`), call.id, "coach", "opus");

    // The API: after a few measures, the agent's leg is poor and the others are not.
    let seen: Call["quality"] = null;
    await until(
      async () => {
        const r = await org.marco.get<{ call: Call }>(`/calls/${call.id}`);
        seen = r.body.call.quality;
        const q = seen;
        if (!q?.agent || !q.customer || !q.coach) return `not every leg measured yet: ${JSON.stringify(q)}`;
        // A measure is of the last interval: early ones may have lost fewer than 15 % by chance.
        if (!q.agent.poor || q.agent.lossPct < 5 || q.agent.mos >= 3.6)
          return `the agent's leg: ${JSON.stringify(q.agent)}`;
        // ICE's round trip comes with werift's first consent check (every 4–6 s).
        if (q.customer.rttMs === null || q.coach.rttMs === null)
          return `no round trip yet: ${JSON.stringify(q)}`;
        return null;
      },
      "the agent's loss in the API",
      20_000,
    );
    const q = seen as unknown as NonNullable<Call["quality"]>;
    assert.ok(q.agent && q.agent.lossPct < 35, `about ${DROP * 100} % lost: ${JSON.stringify(q.agent)}`);
    for (const leg of [q.customer, q.coach]) {
      assert.ok(leg && !leg.poor && leg.lossPct < 2 && leg.mos > 4, `a clean leg: ${JSON.stringify(leg)}`);
      assert.ok(
        leg && leg.rttMs !== null && leg.rttMs < 200,
        `ICE round trip on loopback: ${JSON.stringify(leg)}`,
      );
    }

    // Live Monitoring (marco): the row warns about the agent's audio in words, not the others'.
    const page = await browser.newPage();
    await signIn(page, server.url, "marco@demo.test");
    await page.getByRole("link", { name: "Live Monitoring" }).click();
    const row = page.getByRole("row").filter({ hasText: "Ana" });
    await row.getByText(/Agent's audio: poor \(\d+(\.\d)? % loss\)/).waitFor({ timeout: 10_000 });
    assert.equal(await row.getByText("Customer's audio: poor").count(), 0);
    assert.equal(await row.getByText("Coach's audio: poor").count(), 0);
    await page.getByLabel("Language").selectOption("es");
    await row
      .getByText(/Audio del agente: deficiente \(\d+(,\d)? % de pérdida\)/)
      .waitFor({ timeout: 10_000 });
    assert.equal(await row.getByText("Audio del cliente: deficiente").count(), 0);
    await page.close();
  });
});
