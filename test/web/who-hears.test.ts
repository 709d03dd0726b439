// The coach's "who hears you" indicator tells the truth (issue 14): sofia coaches from Live
// Monitoring in the real web app while the rig's widget customer and agent (Chromium test
// pages, 440 / 1000 Hz) and sofia's own microphone (1700 Hz) are measured by FFT. In barge,
// in barge on hold (the customer hears hold music, not the coach) and with the agent muted (the
// coach no longer hears them), what the panel says is what the customer, the agent and the coach
// hear.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import type { CoachingSession } from "../../src/protocol/resources.ts";
import { BARGE, type Expectation, expectHearing, FREQS, TONES } from "../media/routing.browser.ts";
import { testMedia } from "../support/media.ts";
import { type SupervisionRig, startRig } from "../support/rig.ts";
import { hears, PRESENT_DB, signIn, until } from "../support/web.ts";

/** What the panel says, as its two sentences read. */
async function indicator(page: Page): Promise<{ heardBy: string; youHear: string }> {
  const panel = page.getByRole("region", { name: /Coaching/ });
  return {
    heardBy: (await panel.getByRole("status").textContent()) ?? "",
    youHear: (await panel.getByText(/^You hear:/).textContent()) ?? "",
  };
}

/** Whether a tone is above the presence level in any slot of what `levels` measured. */
const heard = (levels: number[][] | null | undefined, hz: number) =>
  !!levels && levels.some((slot) => slot[FREQS.indexOf(hz as never)] > PRESENT_DB);

describe("who hears the coach: the indicator against the FFT (Chromium)", { timeout: 150_000 }, () => {
  let rig: SupervisionRig;
  let sofia: Page;

  before(async () => {
    rig = await startRig(await testMedia({ hosts: ["127.0.0.1"], connectTimeoutMs: 4000 }));
    // sofia's web app runs in the coach party's Chromium: its fake microphone is the coach's tone.
    sofia = await (await rig.parties.coach.browser.newContext()).newPage();
  });
  after(() => rig?.close());

  it("barge, barge on hold and a muted agent: the panel says what everyone hears", async () => {
    const { org } = rig;
    const b = { customer: rig.parties.customer, agent: rig.parties.agent };
    const call = await rig.connectedCall();
    await signIn(sofia, rig.server.url, "sofia@demo.test");
    await sofia.getByRole("link", { name: "Live Monitoring" }).click();
    await sofia.getByRole("row").filter({ hasText: "Ana" }).getByRole("button", { name: "Coach" }).click();
    await sofia.getByRole("dialog").getByRole("button", { name: "Join" }).click();
    await sofia.getByRole("button", { name: "Barge" }).click();

    /**
     * One phase: the audio settles on `want` (the customer's and agent's slots by FFT, the coach's
     * own leg in the web app), then the indicator must read `text` and agree with each FFT.
     */
    const phase = async (label: string, want: Expectation, text: { heardBy: string; youHear: string }) => {
      await expectHearing(b, want, { label });
      // The coach's own leg (the web app's analysers) settles on the coach's slots too.
      await until(async () => {
        const levels = await hears(sofia, "coach", [...FREQS]);
        const wanted = (p: "customer" | "agent") => want.coach.includes(p);
        return heard(levels, TONES.customer) === wanted("customer") &&
          heard(levels, TONES.agent) === wanted("agent")
          ? null
          : `the coach's leg: ${JSON.stringify(levels)}`;
      }, `${label}: what the coach hears`);
      await until(async () => {
        const shown = await indicator(sofia);
        return shown.heardBy === text.heardBy && shown.youHear === text.youHear
          ? null
          : `the panel says "${shown.heardBy}" / "${shown.youHear}"`;
      }, `${label}: indicator`);
      const [customer, agent, coach] = await Promise.all([
        b.customer.levels(FREQS),
        b.agent.levels(FREQS),
        hears(sofia, "coach", [...FREQS]),
      ]);
      const toLevels = (slots: typeof customer) => slots?.map((s) => s.levels) ?? null;
      const shown = await indicator(sofia);
      const says = (who: string, line: string) => line.includes(who);
      assert.equal(
        says("Customer", shown.heardBy),
        heard(toLevels(customer), TONES.coach),
        `${label}: customer`,
      );
      assert.equal(says("Agent", shown.heardBy), heard(toLevels(agent), TONES.coach), `${label}: agent`);
      assert.equal(
        says("Customer", shown.youHear),
        heard(coach, TONES.customer),
        `${label}: coach hears customer`,
      );
      assert.equal(says("Agent", shown.youHear), heard(coach, TONES.agent), `${label}: coach hears agent`);
    };

    await phase("barge", BARGE, {
      heardBy: "Who hears you: Agent, Customer",
      youHear: "You hear: Customer, Agent",
    });

    await org.ana.post(`/calls/${call.id}/hold`);
    await phase(
      "barge on hold",
      { customer: ["other", null], agent: [null, "coach"], coach: ["customer", "agent"] },
      { heardBy: "Who hears you: Agent", youHear: "You hear: Customer, Agent" },
    );

    await org.ana.post(`/calls/${call.id}/resume`);
    await org.ana.post(`/calls/${call.id}/mute`);
    await phase(
      "barge, agent muted",
      { customer: [null, "coach"], agent: ["customer", "coach"], coach: ["customer", null] },
      { heardBy: "Who hears you: Agent, Customer", youHear: "You hear: Customer" },
    );

    const session = (
      await org.sofia.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)
    ).body.sessions[0];
    assert.deepEqual(session.hearing, {
      agentHearsCoach: true,
      customerHearsCoach: true,
      coachHearsCustomer: true,
      coachHearsAgent: false,
    });
    await org.ana.post(`/calls/${call.id}/hangup`);
  });
});
