// The call history in the web app (issue 15, Chromium): after a coached call, sofia opens ana's
// history from her row in Live Monitoring's Users tab, reads the call's outcome, tag, comment and
// coaching session in words, leaves a coaching note that then shows in the list (and in the
// audit, GET /coaching-sessions); the same page in Spanish; the contact's history (from the
// conversation and contact views) and the number's (from the board), which a call ending
// meanwhile joins without a reload; another supervisor's note reaching an open history page
// (coaching.note_added), shown once. Calls are driven through the API; controls are found by
// role and accessible name.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { Call, CoachingSession } from "../../src/protocol/resources.ts";
import { startCoaching } from "../support/calls.ts";
import { answered, hangUp } from "../support/history.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { englishOn } from "../support/untranslated.ts";
import { launchChromium, openSignedIn, signIn } from "../support/web.ts";

const NOTE = "Warm opening; offer the refund before the customer asks.";

describe("the call history in the web app (Chromium)", { timeout: 150_000 }, () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let browser: Browser;
  let sofia: Page;
  let call: Call;
  let session: CoachingSession;

  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
    browser = await launchChromium();
    sofia = await (await browser.newContext()).newPage();
    // ana's call from Carmen: a tag, a comment, sofia coaching (notified, then whisper), ended.
    call = await answered(org.admin, org.ana, org.support, "+34600111222");
    assert.equal((await org.ana.post(`/calls/${call.id}/tags`, { tag: "billing" })).status, 200);
    assert.equal((await org.ana.post(`/calls/${call.id}/comments`, { text: "Refund promised" })).status, 201);
    session = await startCoaching(org.sofia, call.id, { notifyUser: true });
    assert.equal(
      (await org.sofia.patch(`/coaching-sessions/${session.id}`, { mode: "whisper" })).status,
      200,
    );
    assert.equal((await org.sofia.delete(`/coaching-sessions/${session.id}`)).status, 200);
    await hangUp(org.ana, call.id);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("a supervisor opens an agent's history, reads the call and leaves a coaching note", async () => {
    await signIn(sofia, server.url, "sofia@demo.test");
    await sofia.getByRole("link", { name: "Live Monitoring" }).click();
    await sofia.getByRole("tab", { name: "Users" }).click();
    await sofia.getByRole("link", { name: "Ana: call history" }).click();
    await sofia.getByRole("heading", { name: "Call history: Ana" }).waitFor();
    assert.match(new URL(sofia.url()).pathname, new RegExp(`^/history/agents/${org.ana.id}$`));

    const item = sofia
      .getByRole("listitem")
      .filter({ has: sofia.getByRole("heading", { name: /^Inbound call, / }) });
    await item.first().waitFor();
    assert.equal(await item.count(), 1, "ana's one call");
    const text = (await item.textContent()) ?? "";
    for (const expected of [
      "Carmen Ruiz",
      "Support",
      "The agent hung up",
      "#billing",
      "Ana: Refund promised",
      "Sofia coached: Listen and Whisper",
      "Ended because the coach left",
    ])
      assert.ok(text.includes(expected), `"${expected}" in: ${text}`);
    assert.match(text, /Talk time\d+ seconds?/, "the talk time in words (Intl)");

    await item.getByRole("textbox", { name: "Coaching note" }).fill(NOTE);
    await item.getByRole("button", { name: "Save note" }).click();
    await item.getByRole("status").filter({ hasText: "Note saved." }).waitFor();
    // The innermost item with the note is the note (the call's and the session's hold it too).
    const notes = item.getByRole("listitem").filter({ hasText: NOTE }).last();
    await notes.waitFor();
    assert.match((await notes.textContent()) ?? "", /^Sofia, /, "with its author and time");
    assert.equal(
      await item.getByRole("textbox", { name: "Coaching note" }).inputValue(),
      "",
      "the form is cleared",
    );

    // Kept with the session's audit record, and there after a reload.
    const audit = await org.admin.get<{ sessions: CoachingSession[] }>(
      `/coaching-sessions?callId=${call.id}`,
    );
    assert.deepEqual(
      audit.body.sessions[0].notes.map((n) => [n.authorName, n.text]),
      [["Sofia", NOTE]],
    );
    await sofia.reload();
    await sofia.getByText(NOTE).waitFor();
  });

  it("in Spanish: the outcome, the session and the form in words", async () => {
    await sofia.getByLabel("Language").selectOption("es");
    await sofia.getByRole("heading", { name: "Historial de llamadas: Ana" }).waitFor();
    const item = sofia
      .getByRole("listitem")
      .filter({ has: sofia.getByRole("heading", { name: /^Llamada entrante, / }) });
    const text = (await item.textContent()) ?? "";
    for (const expected of [
      "Colgó el agente",
      "Sofia hizo coaching: Escuchar y Susurrar",
      "Notas de coaching",
    ])
      assert.ok(text.includes(expected), `"${expected}" in: ${text}`);
    await item.getByRole("textbox", { name: "Nota de coaching" }).waitFor();
    await item.getByRole("button", { name: "Guardar nota" }).waitFor();
    assert.deepEqual(await englishOn(sofia, ["Ana", "Sofia", "Support", "Carmen Ruiz", "Earshot"]), []);
    await sofia.getByLabel("Idioma").selectOption("en");
  });

  it("the contact's and the number's history, from their links", async () => {
    const contacts = (await org.admin.get<{ contacts: { id: string; name: string }[] }>("/contacts")).body
      .contacts;
    const carmen = contacts.find((c) => c.name === "Carmen Ruiz")?.id as string;
    // The conversation view of the call links its contact's history too.
    await sofia.goto(`${server.url}/calls/${call.id}`);
    await sofia
      .getByRole("region", { name: "Conversation" })
      .getByRole("link", { name: "Call history of Carmen Ruiz" })
      .waitFor();
    await sofia.goto(`${server.url}/contacts/${carmen}`);
    await sofia.getByRole("link", { name: "Call history of Carmen Ruiz" }).click();
    await sofia.getByRole("heading", { name: "Call history: Carmen Ruiz" }).waitFor();
    await sofia.getByRole("listitem").filter({ hasText: "Refund promised" }).first().waitFor();

    await sofia.getByRole("link", { name: "Live Monitoring" }).click();
    await sofia.getByRole("link", { name: "Support: call history" }).first().click();
    await sofia.getByRole("heading", { name: "Call history: Support" }).waitFor();
    await sofia.getByRole("listitem").filter({ hasText: NOTE }).first().waitFor();

    // A call that ends meanwhile shows on top, without a reload.
    const later = await answered(org.admin, org.ana, org.support, "+34600333444");
    await hangUp(org.ana, later.id);
    const first = sofia.getByRole("list", { name: "Calls" }).getByRole("listitem").first();
    await first.filter({ hasText: "Lucía Fernández" }).waitFor();
  });

  it("another supervisor's note shows on an open history page without a reload, once", async () => {
    const marco = await openSignedIn(browser, server.url, "marco@demo.test");
    await marco.goto(`${server.url}/history/agents/${org.ana.id}`);
    await marco.getByRole("heading", { name: "Call history: Ana" }).waitFor();
    await marco.getByText(NOTE).waitFor();
    const second = "Second look: the hold was too long.";
    const r = await org.sofia.post(`/coaching-sessions/${session.id}/notes`, { text: second });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const note = marco.getByRole("listitem").filter({ hasText: second });
    await note.last().waitFor();
    // The author's own page has both the answer and the event: the note is shown once.
    await sofia.goto(`${server.url}/history/agents/${org.ana.id}`);
    await sofia.getByText(second).waitFor();
    const third = "Third: well closed.";
    const item = sofia.getByRole("list", { name: "Calls" }).getByRole("listitem").filter({ hasText: NOTE });
    await item.getByRole("textbox", { name: "Coaching note" }).fill(third);
    await item.getByRole("button", { name: "Save note" }).click();
    await item.getByRole("status").filter({ hasText: "Note saved." }).waitFor();
    await marco.getByText(third).waitFor();
    assert.equal(await sofia.getByText(third).count(), 1, "shown once on the author's page");
    assert.equal(await marco.getByText(second).count(), 1, "and once on another's");
    await marco.context().close();
  });
});
