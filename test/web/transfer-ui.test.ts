// A transfer to another user rings them, in the real web app (Chromium; SPEC §2, issue 15): ana
// transfers her call to luis from her softphone; luis's tab shows the incoming transfer (who
// transfers, which customer) with Accept and Decline and a chime; ana sees it ringing with
// Cancel transfer. Declined, the call is back with ana and she is told so in words; accepted,
// luis has the call, ana's card is gone at once (no dead card to hang up), and sofia, who was
// coaching ana, is told in her panel why her session ended. While it rings, Live Monitoring's row
// says so in words (sofia in English; marco in Spanish on a phone-sized screen, where the row is a
// card). Controls by role and accessible name.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { Call, CoachingSession } from "../../src/protocol/resources.ts";
import { liveCall, startCoaching } from "../support/calls.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { launchChromium, openSignedIn, signIn, until } from "../support/web.ts";

/** The customer as the softphone names them: the contact, else the number. */
const customerOf = (call: Call) => call.contactName ?? call.customerNumber;

const chimes = (page: Page) =>
  page.evaluate(() => (window as { earshotChimeLog?: string[] }).earshotChimeLog ?? []);

describe("a transfer that rings (Chromium)", { timeout: 150_000 }, () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let browser: Browser;
  let ana: Page;
  let luis: Page;
  let sofia: Page;
  let marco: Page;

  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
    browser = await launchChromium();
    [ana, luis, sofia] = await Promise.all([0, 1, 2].map(async () => (await browser.newContext()).newPage()));
    await signIn(ana, server.url, "ana@demo.test");
    await signIn(luis, server.url, "luis@demo.test");
    await signIn(sofia, server.url, "sofia@demo.test");
    await sofia.getByRole("link", { name: "Live Monitoring" }).click();
    marco = await openSignedIn(browser, server.url, "marco@demo.test", "es");
    await marco.setViewportSize({ width: 390, height: 800 });
    await marco.getByRole("link", { name: "Supervisión en vivo" }).click();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** ana transfers her call to Luis from her softphone; it rings in luis's tab. */
  async function transferToLuis(call: Call) {
    const card = ana.getByRole("region", { name: "Conversation" });
    await card.getByLabel("Transfer to a user").selectOption({ label: "Luis" });
    await card.getByRole("button", { name: "Transfer", exact: true }).click();
    await card.getByRole("status").filter({ hasText: "Transferring to Luis: ringing" }).waitFor();
    const offer = luis.getByRole("region", { name: "Incoming transfer" });
    await offer.getByText("Ana is transferring you a call from").waitFor();
    await offer.getByText(customerOf(call)).waitFor();
    return { card, offer };
  }

  it("rings, is declined, and returns to the agent who is told why", async () => {
    const call = await liveCall(org.admin, org.ana, org.support);
    await ana.getByRole("region", { name: "Conversation" }).waitFor();
    const { card, offer } = await transferToLuis(call);
    assert.ok(await card.getByRole("button", { name: "Cancel transfer" }).isEnabled());
    assert.ok((await chimes(luis)).includes("transfer offered"), "luis's tab chimed as it rang");
    // The monitors' row (a card at 390 px) says the transfer rings, and to whom, in each language.
    const rowOf = (page: Page) => page.getByRole("row").filter({ hasText: customerOf(call) });
    await rowOf(sofia).getByText("Transferring to Luis — ringing").waitFor();
    await rowOf(marco).getByText("Transfiriendo a Luis: sonando").waitFor();

    await offer.getByRole("button", { name: "Decline" }).click();
    await card
      .getByRole("status")
      .filter({ hasText: "Luis declined the transfer: the call is back with you." })
      .waitFor();
    await offer.waitFor({ state: "detached" });
    await card.getByText("Talking", { exact: false }).first().waitFor(); // off hold, with ana again
    await rowOf(sofia).getByText("Transferring to Luis — ringing").waitFor({ state: "detached" });
    await rowOf(marco).getByText("Transfiriendo a Luis: sonando").waitFor({ state: "detached" });
    await until(
      async () => ((await chimes(ana)).includes("transfer declined") ? null : "no chime"),
      "ana's chime as the call came back",
    );
    await org.ana.post(`/calls/${call.id}/hangup`);
    await ana.getByText("No call right now.").waitFor();
  });

  it("accepted: luis has the call, ana's card clears at once, and the coach is told why", async () => {
    const call = await liveCall(org.admin, org.ana, org.support);
    const session: CoachingSession = await startCoaching(org.sofia, call.id);
    await sofia.getByRole("region", { name: "Coaching Ana" }).waitFor();
    const { card, offer } = await transferToLuis(call);

    await offer.getByRole("button", { name: "Accept" }).click();
    await luis.getByRole("region", { name: "Conversation" }).getByText(customerOf(call)).first().waitFor();
    await offer.waitFor({ state: "detached" });
    // ana's card is gone at once, from the call's change (no reload, nothing left to hang up).
    await card.waitFor({ state: "detached", timeout: 3000 });
    await ana.getByText("No call right now.").waitFor();
    assert.equal(await ana.getByRole("button", { name: "Hang up" }).count(), 0);
    assert.equal(await ana.getByText("No such call").count(), 0);

    await sofia
      .getByRole("status")
      .filter({ hasText: "The coaching session ended: the call was transferred to another agent" })
      .waitFor();
    const audit = (
      await org.admin.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${call.id}`)
    ).body.sessions;
    assert.equal(audit.find((s) => s.id === session.id)?.endReason, "transferred");
    await org.luis.post(`/calls/${call.id}/hangup`);
  });
});
