// Issue 15's visible reasons and plain words, in Debian's Firefox ESR: marco (Live Monitoring,
// no barge) sees Barge refused with its reason as text — focusable, not hidden — and a key hint
// without B; a busy coach sees why every other call's actions are refused; and in Spanish
// neither Live Monitoring nor ana's softphone shows an English string of the dictionary.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { Call, CoachingSession } from "../../src/protocol/resources.ts";
import { liveCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { englishOn } from "../support/untranslated.ts";
import { launchFirefox, openSignedIn } from "../support/web.ts";

/** Proper names of the demo data, the same in every language. */
const NAMES = ["Admin", "Support", "Sales"];

describe("visible reasons and Spanish words (Firefox ESR)", { timeout: 150_000 }, () => {
  let server: TestServer;
  let firefox: Browser;

  before(async () => {
    server = await startServer({ media: await testMedia({ hosts: ["127.0.0.1"] }) });
    firefox = await launchFirefox(1700);
  });
  after(async () => {
    await firefox?.close();
    await server?.close();
  });

  const open = (email: string, lang?: "es"): Promise<Page> => openSignedIn(firefox, server.url, email, lang);

  it("Barge refused with its reason; a busy coach sees why; no English in Spanish", async () => {
    const org = await demoOrg(server.url);
    await org.sofia.patch("/me", { availability: "unavailable" });
    await org.marco.patch("/me", { availability: "unavailable" });
    const first: Call = await liveCall(org.admin, org.ana, org.support);

    const marco = await open("marco@demo.test");
    await marco.getByRole("link", { name: "Live Monitoring" }).click();
    const row = marco.getByRole("row").filter({ hasText: "Ana" });
    const barge = row.getByRole("button", { name: "Barge" });
    await barge.waitFor();
    assert.equal(await barge.getAttribute("aria-disabled"), "true", "Barge shown, refused");
    await barge.focus();
    assert.equal(await barge.evaluate((el) => el === document.activeElement), true, "and focusable");
    await row.getByText("Barge needs Live Monitoring+ access.").waitFor();
    assert.equal(await row.getByRole("button", { name: "Listen" }).getAttribute("aria-disabled"), null);

    // One click listens; the panel's Barge says why and the key hint has no B.
    await row.getByRole("button", { name: "Listen" }).click();
    const panel = marco.getByRole("region", { name: "Coaching Ana" });
    await panel.getByText("Barge needs Live Monitoring+ access.").waitFor();
    const hint = (await panel.getByText(/^Keys:/).textContent()) ?? "";
    assert.match(hint, /L listen · W whisper/);
    assert.doesNotMatch(hint, /B barge/);
    // The refused Barge in the panel is clicked anyway (force: Playwright waits for aria-disabled
    // to clear otherwise): the session stays in listen.
    const patches: string[] = [];
    marco.on("request", (r) => r.method() === "PATCH" && patches.push(r.url()));
    await panel.getByRole("button", { name: "Barge" }).click({ force: true });
    await panel.getByRole("button", { name: "Whisper" }).focus(); // a round trip to the page after the click
    assert.deepEqual(patches, [], "the refused click sent nothing");
    const mode = async () =>
      (await org.marco.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${first.id}`)).body
        .sessions[0]?.mode;
    assert.equal(await mode(), "listen");
    await row.getByText("You are coaching this call").waitFor();

    // A second call: marco, busy, sees why he may not coach it.
    await org.luis.patch("/me", { availability: "available" });
    const second = await liveCall(org.admin, org.luis, org.support);
    const other = marco.getByRole("row").filter({ hasText: "Luis" });
    await other.getByText("You are already coaching another call.").waitFor();
    assert.equal(await other.getByRole("button", { name: "Listen" }).getAttribute("aria-disabled"), "true");

    // Spanish: Live Monitoring with a coached call and ana's softphone on it.
    const marcoEs = await open("marco@demo.test", "es");
    await marcoEs.getByRole("link", { name: "Supervisión en vivo" }).click();
    await marcoEs.getByRole("row").filter({ hasText: "Ana" }).getByText("Marco, escuchando").waitFor();
    await marcoEs.getByRole("row").filter({ hasText: "Luis" }).getByText("En conversación").waitFor();
    assert.deepEqual(await englishOn(marcoEs, NAMES), [], "Live Monitoring in Spanish");
    await marcoEs.getByRole("tab", { name: "Usuarios" }).click();
    await marcoEs.getByText("Administrador").first().waitFor();
    assert.deepEqual(await englishOn(marcoEs, NAMES), [], "the Users tab in Spanish");

    await marco
      .getByRole("region", { name: "Coaching Ana" })
      .getByRole("button", { name: "Whisper" })
      .click();
    const ana = await open("ana@demo.test", "es");
    await ana.getByText("Marco te está hablando; el cliente no lo oye").waitFor();
    await ana.getByRole("button", { name: "Poner en espera" }).waitFor();
    await ana.getByText("Audio conectado").waitFor();
    assert.deepEqual(await englishOn(ana, NAMES), [], "the softphone in Spanish");

    await org.ana.post(`/calls/${first.id}/hangup`);
    await org.luis.post(`/calls/${second.id}/hangup`);
  });
});
