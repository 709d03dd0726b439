// Issue 15 "the agent knows" and one-click coaching, in the real web app (Chromium): sofia
// whispers to ana straight from her Live Monitoring row; ana's softphone banner says in words
// what sofia does (whisper, barge, listen) with a chime on each change and a notice when she
// leaves; sofia's panel takes the focus and shows the call timer, both parties' levels and the
// text whispers she sent; a coach who joins to listen without Notify user is never announced
// (SPEC §3). The rig's widget customer (440 Hz) and sofia's microphone (1700 Hz) are measured.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import type { CoachingSession } from "../../src/protocol/resources.ts";
import { TONES } from "../media/routing.browser.ts";
import { testMedia } from "../support/media.ts";
import { type SupervisionRig, startRig } from "../support/rig.ts";
import { ABSENT_DB, hears, PRESENT_DB, signIn, until } from "../support/web.ts";

const chimes = (page: Page) =>
  page.evaluate(() => (window as { earshotChimeLog?: string[] }).earshotChimeLog ?? []);

describe("the agent knows, one-click coaching (Chromium)", { timeout: 150_000 }, () => {
  let rig: SupervisionRig;
  let sofia: Page;
  let ana: Page;

  before(async () => {
    rig = await startRig(await testMedia({ hosts: ["127.0.0.1"], connectTimeoutMs: 4000 }));
    sofia = await (await rig.parties.coach.browser.newContext()).newPage();
    // ana's softphone runs in the agent party's Chromium (its microphone is the agent's tone);
    // its leg replaces the rig's agent page on the server.
    ana = await (await rig.parties.agent.browser.newContext()).newPage();
  });
  after(() => rig?.close());

  it("Whisper from the row; the banner in whisper, barge, listen and on leave; the panel", async () => {
    const { org } = rig;
    const call = await rig.connectedCall();
    await signIn(ana, rig.server.url, "ana@demo.test");
    const banner = ana.getByRole("status").filter({ hasText: "Sofia" });
    await ana.getByText("Audio connected").waitFor();

    await signIn(sofia, rig.server.url, "sofia@demo.test");
    await sofia.getByRole("link", { name: "Live Monitoring" }).click();
    const row = sofia.getByRole("row").filter({ hasText: "Ana" });
    await row.getByRole("button", { name: "Whisper" }).click();

    // One user action: the session exists and is in whisper.
    const session = async () =>
      (await org.sofia.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)).body
        .sessions[0];
    await until(async () => ((await session())?.mode === "whisper" ? null : "not in whisper"), "whisper");
    await banner.filter({ hasText: "Sofia is speaking to you — the customer can't hear this" }).waitFor();
    assert.deepEqual(await chimes(ana), ["whisper"], "one chime, for whisper (not listen then whisper)");
    await until(
      async () => {
        const slots = await hears(ana, "agent", [TONES.coach]);
        const level = slots ? Math.max(...slots.map((s) => s[0])) : Number.NEGATIVE_INFINITY;
        return level > PRESENT_DB ? null : `ana hears sofia at ${level.toFixed(0)} dB`;
        // The coach's leg connects once the session exists (ICE on a loaded machine: seconds).
      },
      "whisper: the agent hears the coach (FFT)",
      20_000,
    );
    await until(async () => {
      const slots = await rig.parties.customer.levels([TONES.coach]);
      const level = slots ? Math.max(...slots.map((s) => s.levels[0])) : 0;
      return level < ABSENT_DB ? null : `the customer hears sofia at ${level.toFixed(0)} dB`;
    }, "whisper: the customer does not hear the coach");

    // The panel has the focus, and shows the timer, both parties with levels, the whisper history.
    const panel = sofia.getByRole("region", { name: "Coaching Ana" });
    assert.equal(
      await sofia.evaluate(() => document.activeElement?.textContent),
      "Coaching Ana",
      "focus on the panel's heading",
    );
    await panel.getByText(/^Call time: \d+:\d\d$/).waitFor();
    assert.equal(await panel.getByRole("meter").count(), 2);
    await until(async () => {
      const v = Number(
        await panel.getByRole("meter", { name: "Web caller's audio level" }).getAttribute("value"),
      );
      return v > 0.2 ? null : `customer level ${v}`;
    }, "the customer's live level moves");
    await panel.getByLabel("Text whisper to the agent").fill("Offer the 10% discount");
    await panel.getByRole("button", { name: "Send" }).click();
    await panel
      .getByRole("region", { name: "Text whispers you sent" })
      .getByText("Offer the 10% discount")
      .waitFor();

    await panel.getByRole("button", { name: "Barge" }).click();
    await banner.filter({ hasText: "Sofia is speaking to you and the customer" }).waitFor();
    await sofia.keyboard.press("l");
    await banner.filter({ hasText: "Sofia is listening" }).waitFor();
    await panel.getByRole("button", { name: "Leave" }).click();
    const notice = banner.filter({ hasText: "Sofia stopped coaching: the coach left the session." });
    await notice.waitFor();
    assert.deepEqual(await chimes(ana), ["whisper", "barge", "listen", "ended"]);
    await notice.waitFor({ state: "detached", timeout: 10_000 });

    // Rejoined from the dialog (which names both people) without Notify user: ana is not told.
    await row.getByRole("button", { name: "Coach…" }).click();
    const dialog = sofia.getByRole("dialog", { name: "Coach Ana on the call with Web caller" });
    await dialog.getByRole("checkbox", { name: "Notify user" }).uncheck();
    await dialog.getByRole("button", { name: "Join" }).click();
    await panel.waitFor();
    await until(async () => ((await session())?.mode === "listen" ? null : "no session"), "rejoined");
    // ana's tab is sent the session (a refetch follows each event); give it that long, then check.
    await ana.waitForTimeout(1000);
    assert.equal(await banner.count(), 0, "a silent listener is not announced");
    assert.equal((await chimes(ana)).length, 4);
    await sofia.keyboard.press("w");
    await banner.filter({ hasText: "Sofia is speaking to you" }).waitFor();
    await org.ana.post(`/calls/${call.id}/hangup`);
  });
});
