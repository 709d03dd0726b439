// Issue 5 end to end in the real web app (Chromium): a customer calls Support from the
// widget, ana answers in her softphone, sofia coaches from Live Monitoring with Notify
// user, whispers, barges, leaves and rejoins — controls found only by role and name, and
// what each person hears checked by FFT at every step.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { writeToneWav } from "../support/audio.ts";
import { testMedia } from "../support/media.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import {
  ABSENT_DB,
  cspViolations,
  hears,
  launchChromium,
  PRESENT_DB,
  signIn,
  until,
} from "../support/web.ts";

const TONE = { customer: 440, agent: 1000, coach: 1700 } as const;
const FREQS: number[] = [TONE.customer, TONE.agent, TONE.coach];

async function expectAudio(
  page: Page,
  role: string,
  heard: number[],
  silent: number[],
  what: string,
): Promise<void> {
  await until(async () => {
    const slots = await hears(page, role, FREQS);
    if (!slots) return "no audio leg yet";
    const level = (hz: number) => Math.max(...slots.map((s) => s[FREQS.indexOf(hz)]));
    for (const hz of heard)
      if (!(level(hz) > PRESENT_DB)) return `${role} does not hear ${hz} Hz (${level(hz).toFixed(0)} dB)`;
    for (const hz of silent)
      if (!(level(hz) < ABSENT_DB)) return `${role} hears ${hz} Hz (${level(hz).toFixed(0)} dB)`;
    return null;
  }, what);
}

describe("coaching in the web app (Chromium)", { timeout: 180_000 }, () => {
  let dir: string;
  let server: TestServer;
  const browsers: Browser[] = [];
  let customer: Page;
  let ana: Page;
  let sofia: Page;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "earshot-web-"));
    server = await startServer({ media: await testMedia({ hosts: ["127.0.0.1"] }) });
    const open = async (tone: number) => {
      const wav = join(dir, `${tone}.wav`);
      writeToneWav(wav, tone, 20);
      const b = await launchChromium(wav);
      browsers.push(b);
      return (await b.newContext()).newPage();
    };
    [customer, ana, sofia] = await Promise.all([open(TONE.customer), open(TONE.agent), open(TONE.coach)]);
  });
  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("widget → softphone → Live Monitoring → coach, whisper, barge, leave, rejoin", async () => {
    const org = await demoOrg(server.url);
    // luis and marco stay unavailable so the call rings ana (and sofia, who will not answer).
    await org.luis.patch("/me", { availability: "unavailable" });
    await org.marco.patch("/me", { availability: "unavailable" });
    await signIn(ana, server.url, "ana@demo.test");
    await signIn(sofia, server.url, "sofia@demo.test");
    assert.equal(
      await ana.getByRole("link", { name: "Live Monitoring" }).count(),
      0,
      "an agent sees no Live Monitoring",
    );

    await customer.goto(`${server.url}/widget/${org.support}`);
    await customer.getByRole("button", { name: "Call" }).click();
    await customer.getByText("Ringing…").waitFor();
    await ana.getByRole("button", { name: "Answer" }).click();
    await customer.getByText("Connected", { exact: true }).waitFor();

    await sofia.getByRole("link", { name: "Live Monitoring" }).click();
    await sofia.getByRole("tab", { name: "Calls" }).click();
    const row = sofia.getByRole("row").filter({ hasText: "Ana" });
    await row.waitFor();
    await sofia.getByRole("tab", { name: "Users" }).click();
    await sofia
      .getByRole("row")
      .filter({ hasText: "ana@demo.test" })
      .or(sofia.getByRole("row").filter({ hasText: "Ana" }))
      .first()
      .getByText("On a call")
      .waitFor();
    await sofia.getByRole("tab", { name: "Calls" }).click();

    await expectAudio(customer, "customer", [TONE.agent], [TONE.coach], "customer hears ana");
    await expectAudio(ana, "agent", [TONE.customer], [TONE.coach], "ana hears the customer");

    // A comment stays on the agent's call card, with who wrote it (it used to vanish once sent).
    await ana.getByRole("textbox", { name: "Comment" }).fill("Wants a refund");
    await ana.getByRole("button", { name: "Add comment" }).click();
    await ana.getByRole("region", { name: "Comments" }).getByText("Wants a refund").waitFor();
    assert.match(
      (await ana.getByRole("region", { name: "Comments" }).textContent()) ?? "",
      /Wants a refund\s+— Ana,/,
    );

    // Raise hand: sofia sees it at once; it is lowered when she joins.
    await ana.getByRole("button", { name: "Raise hand" }).click();
    await row.getByText("Hand raised").waitFor();

    // Coach with Notify user.
    await row.getByRole("button", { name: "Coach" }).click();
    const dialog = sofia.getByRole("dialog");
    await dialog.getByRole("checkbox", { name: "Notify user" }).check();
    assert.equal(await dialog.getByRole("checkbox", { name: "Open the target conversation" }).count(), 1);
    await dialog.getByRole("button", { name: "Join" }).click();
    await ana.getByRole("status").filter({ hasText: "Sofia is listening" }).waitFor();
    await row.getByText("Hand raised").waitFor({ state: "detached" });
    assert.ok(
      (await ana.evaluate(() => (window as { earshotChimes?: number }).earshotChimes ?? 0)) >= 1,
      "the sound played",
    );
    await expectAudio(sofia, "coach", [TONE.customer, TONE.agent], [], "listen: sofia hears both");
    await expectAudio(ana, "agent", [TONE.customer], [TONE.coach], "listen: ana does not hear sofia");
    await expectAudio(
      customer,
      "customer",
      [TONE.agent],
      [TONE.coach],
      "listen: the customer does not hear sofia",
    );

    await sofia.getByRole("button", { name: "Whisper" }).click();
    await sofia.getByText("Who hears you: Agent").waitFor();
    await expectAudio(ana, "agent", [TONE.customer, TONE.coach], [], "whisper: ana hears sofia");
    await expectAudio(
      customer,
      "customer",
      [TONE.agent],
      [TONE.coach],
      "whisper: the customer never hears sofia",
    );
    // Text whisper: only ana's softphone shows it.
    await sofia.getByLabel("Text whisper to the agent").fill("Offer the 10% discount");
    await sofia.getByRole("button", { name: "Send" }).click();
    await ana
      .getByRole("region", { name: "Messages from your coach" })
      .getByText("Offer the 10% discount")
      .waitFor();
    assert.equal(await customer.getByText("Offer the 10% discount").count(), 0);

    await sofia.getByRole("button", { name: "Barge" }).click();
    await expectAudio(customer, "customer", [TONE.agent, TONE.coach], [], "barge: the customer hears sofia");
    await expectAudio(ana, "agent", [TONE.customer, TONE.coach], [], "barge: ana hears sofia");

    await sofia.keyboard.press("l");
    await expectAudio(customer, "customer", [TONE.agent], [TONE.coach], "L: back to listen");
    await expectAudio(ana, "agent", [TONE.customer], [TONE.coach], "L: ana no longer hears sofia");

    await sofia.getByRole("button", { name: "Leave" }).click();
    await sofia.getByText("The coaching session ended: you left").waitFor();
    await expectAudio(ana, "agent", [TONE.customer], [TONE.coach], "left");

    // Rejoin — this time from the Users tab, opening the target conversation.
    await sofia.getByRole("tab", { name: "Users" }).click();
    await sofia
      .getByRole("tabpanel", { name: "Users" })
      .getByRole("row")
      .filter({ hasText: "Ana" })
      .getByRole("button", { name: "Coach" })
      .click();
    await sofia.getByRole("dialog").getByRole("checkbox", { name: "Open the target conversation" }).check();
    await sofia.getByRole("dialog").getByRole("button", { name: "Join" }).click();
    await sofia.getByRole("region", { name: "Conversation" }).getByText("Live state: Talking").waitFor();
    await sofia.getByRole("tab", { name: "Calls" }).click();
    await expectAudio(sofia, "coach", [TONE.customer, TONE.agent], [], "rejoined: sofia hears both");
    await sofia.keyboard.press("w");
    await expectAudio(ana, "agent", [TONE.coach], [], "W: whisper after rejoin");
    await expectAudio(customer, "customer", [], [TONE.coach], "W: the customer never hears the whisper");
    await sofia.keyboard.press("Escape");
    await sofia.getByText("The coaching session ended: you left").waitFor();

    // ana adds a third party from her controls: the call becomes a conference (the demo
    // network's callee answers into it); the customer still hears ana and never sofia.
    await ana.getByRole("textbox", { name: "Add a third party" }).fill("+34600999888");
    await ana.getByRole("button", { name: "Add to the call" }).click();
    await ana.getByRole("status").filter({ hasText: "Conference with +34600999888" }).waitFor();
    await expectAudio(customer, "customer", [TONE.agent], [TONE.coach], "conference: ana heard, sofia never");

    // ana keeps every action; she hangs up; the widget shows the end.
    await ana.getByRole("button", { name: "Hang up" }).click();
    await customer.getByText("Call ended").waitFor();
  });

  it("marco sees Coach disabled with the reason on a Sales call", async () => {
    const org = await demoOrg(server.url);
    await org.luis.patch("/me", { availability: "available" });
    await org.sofia.patch("/me", { availability: "unavailable" });
    const created = await org.admin.post<{ call: { id: string } }>("/demo/calls", { numberId: org.sales });
    await org.luis.post(`/calls/${created.body.call.id}/answer`);
    const page = await (await browsers[2].newContext()).newPage();
    await signIn(page, server.url, "marco@demo.test");
    await page.getByRole("link", { name: "Live Monitoring" }).click();
    const coach = page.getByRole("row").filter({ hasText: "Luis" }).getByRole("button", { name: "Coach" });
    await coach.waitFor();
    // Refused but focusable (aria-disabled), its reason visible text beside it, not a tooltip.
    assert.equal(await coach.getAttribute("aria-disabled"), "true");
    await coach.focus();
    assert.equal(await coach.evaluate((el) => el === document.activeElement), true, "focusable");
    const describedBy = (await coach.getAttribute("aria-describedby")) ?? "";
    const reason = page.locator(`[id="${describedBy}"]`);
    assert.match((await reason.textContent()) ?? "", /line distribution/);
    assert.equal(await reason.isVisible(), true, "the reason is visible text");
    await org.luis.post(`/calls/${created.body.call.id}/hangup`);
    await page.context().close();
  });

  it("no page met a Content-Security-Policy violation", () => {
    assert.deepEqual(cspViolations, []);
  });
});
