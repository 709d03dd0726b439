// Issue 15 in Debian's Firefox ESR: ana's softphone refuses a third party that is not a
// number one can dial ("12") with the field's own sentence, and before a third party or an
// external transfer ends the coaching session she is coached in, it asks her to confirm (an
// alert dialog with accessible names, in English and in Spanish); Cancel changes nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import type { CoachingSession } from "../../src/protocol/resources.ts";
import { getCall, liveCall, startCoaching } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { until } from "../support/poll.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { launchFirefox, openSignedIn, receivedFrames } from "../support/web.ts";

describe("numbers dialled and the end of coaching confirmed (Firefox ESR)", { timeout: 150_000 }, () => {
  let server: TestServer;
  let firefox: Browser;

  before(async () => {
    server = await startServer({ media: await testMedia({ hosts: ["127.0.0.1"] }) });
    firefox = await launchFirefox(1000);
  });
  after(async () => {
    await firefox?.close();
    await server?.close();
  });

  const open = (email: string, lang?: "es"): Promise<Page> =>
    openSignedIn(firefox, server.url, email, lang, { record: true });
  /** Replaces a field's text key by key (Firefox's fill() does not reach React's inputs). */
  const type = async (field: Locator, text: string) => {
    await field.click();
    await field.press("Control+a");
    await field.press("Backspace");
    await field.pressSequentially(text);
  };
  /** sofia coaches (the agent told), and the agent's page has the call's new grants (its events carry them). */
  const coached = async (page: Page, callId: string): Promise<CoachingSession> => {
    const session = await startCoaching(org().sofia, callId, { notifyUser: true });
    await until(
      async () =>
        receivedFrames(page).some(
          (f) =>
            f.startsWith('{"type":"call.updated"') && f.includes(callId) && f.includes('"endsCoaching":true'),
        ),
      (got) => got,
      10_000,
    ).catch((e) => {
      throw new Error(
        `${e.message}; frames: ${receivedFrames(page)
          .map((f) => f.slice(0, 40))
          .join(" | ")}`,
      );
    });
    return session;
  };
  let orgValue: Awaited<ReturnType<typeof demoOrg>> | null = null;
  const org = () => orgValue as Awaited<ReturnType<typeof demoOrg>>;
  const sessionById = async (callId: string, id: string) =>
    (
      await org().sofia.get<{ sessions: CoachingSession[] }>(`/coaching-sessions?callId=${callId}`)
    ).body.sessions.find((s) => s.id === id);

  it("a third party refused for its number, then added only once ana confirms the coaching ends", async () => {
    orgValue = await demoOrg(server.url);
    const call = await liveCall(org().admin, org().ana, org().support);
    const ana = await open("ana@demo.test");
    const field = ana.getByLabel("Add a third party");
    await field.waitFor();
    const posts: string[] = [];
    ana.on(
      "request",
      (r) => r.method() === "POST" && r.url().includes("/participants") && posts.push(r.url()),
    );

    await type(field, "12");
    await ana.getByRole("button", { name: "Add to the call" }).click();
    await ana.getByRole("alert").filter({ hasText: "Enter the number in international format" }).waitFor();
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    const described = await field.getAttribute("aria-describedby");
    assert.ok(described, "the field names its sentence");
    assert.match((await ana.locator(`[id="${described}"]`).textContent()) ?? "", /8 to 15 digits/);
    assert.deepEqual(posts, [], "nothing sent for a number that cannot be dialled");

    const session = await coached(ana, call.id);
    await type(field, "+34 600 999 888");
    assert.equal(await field.getAttribute("aria-invalid"), "false", "typing clears the sentence");
    await ana.getByRole("button", { name: "Add to the call" }).click();
    const dialog = ana.getByRole("alertdialog", { name: "End the coaching session?" });
    await dialog.getByText("the coaching session will end").waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.deepEqual(posts, [], "Cancel sent nothing");
    assert.equal((await getCall(org().ana, call.id)).conference, false);
    assert.equal((await sessionById(call.id, session.id))?.endedAt, null, "still coached");

    await ana.getByRole("button", { name: "Add to the call" }).click();
    await dialog.getByRole("button", { name: "End coaching and continue" }).click();
    await ana.getByText("Conference with +34600999888").waitFor();
    const after = await getCall(org().ana, call.id);
    assert.deepEqual([after.conference, after.thirdParty], [true, "+34600999888"]);
    const ended = await sessionById(call.id, session.id);
    assert.equal(ended?.endReason, "conference");
    await org().ana.post(`/calls/${call.id}/hangup`);
    await ana.close();
  });

  it("in Spanish: an external transfer's number refused, then the transfer confirmed", async () => {
    const call = await liveCall(org().admin, org().ana, org().support);
    const ana = await open("ana@demo.test", "es");
    const field = ana.getByLabel("un número externo");
    await field.waitFor();
    await type(field, "12");
    await ana.getByRole("button", { name: "Transferir", exact: true }).click();
    await ana.getByRole("alert").filter({ hasText: "Escribe el número en formato internacional" }).waitFor();

    const session = await coached(ana, call.id);
    await type(field, "+34600999777");
    await ana.getByRole("button", { name: "Transferir", exact: true }).click();
    const dialog = ana.getByRole("alertdialog", { name: "¿Terminar la supervisión?" });
    await dialog.getByText("Si transfieres la llamada a un número externo").waitFor();
    await dialog.getByRole("button", { name: "Terminar la supervisión y continuar" }).click();
    const deadline = Date.now() + 5000;
    while (!(await getCall(org().ana, call.id)).externalTransfer) {
      assert.ok(Date.now() < deadline, "the call was not transferred");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await getCall(org().ana, call.id)).transferredTo, "+34600999777");
    const ended = await sessionById(call.id, session.id);
    assert.equal(ended?.endReason, "external_transfer");
    await ana.close();
  });
});
