// The README's pictures (issue 15): every main screen — sign-in, the widget, the softphone idle,
// on a call and coached, Live Monitoring's Calls and Users with the board, the coach panel, the
// wallboard, admin — in English and Spanish, on a desktop and a phone-sized screen. Each shot
// is checked before it is taken: its screen is there, a phone shot has no sideways scrolling and
// a Spanish shot no English left (support/untranslated.ts). `npm run screenshots` writes them to
// docs/screenshots (EARSHOT_SCREENSHOTS_DIR); a normal run to a temporary folder.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import { liveCall, widgetCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { englishOn } from "../support/untranslated.ts";
import { cspViolations, launchChromium, signIn } from "../support/web.ts";

type Lang = "en" | "es";
const SCREENS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
/** Names in the demo data, the same in both languages. */
const NAMES = ["Admin", "Support", "Sales", "Sofia", "Ana", "Luis", "Marco", "Earshot"];

describe("screenshots of every main screen (Chromium)", { timeout: 240_000 }, () => {
  let dir: string;
  let shots: string;
  let server: TestServer;
  let browser: Browser;
  const taken: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "earshot-shots-"));
    shots = process.env.EARSHOT_SCREENSHOTS_DIR ?? dir;
    server = await startServer({ media: await testMedia({ hosts: ["127.0.0.1"] }) });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const page = async () => (await browser.newContext({ viewport: SCREENS.desktop })).newPage();
  /** A page's language, by its switch (no reload: calls and legs go on). */
  const bySwitch = (p: Page) => async (lang: Lang) => {
    await p.locator(".lang select").first().selectOption(lang);
  };

  /**
   * `name` in each language and screen size, once `ready` (a locator in the page's language)
   * is visible; `top` (optional) is scrolled to the top of the phone's screen.
   */
  async function shoot(
    p: Page,
    name: string,
    setLang: (lang: Lang) => Promise<void>,
    ready: (lang: Lang) => Locator,
    opts: { langs?: Lang[]; top?: (lang: Lang) => Locator; fullPage?: boolean } = {},
  ): Promise<void> {
    for (const lang of opts.langs ?? (["en", "es"] as const)) {
      await setLang(lang);
      for (const [screen, size] of Object.entries(SCREENS)) {
        await p.setViewportSize(size);
        await ready(lang).first().waitFor();
        if (screen === "phone" && opts.top)
          await opts
            .top(lang)
            .first()
            .evaluate((e) => e.scrollIntoView());
        else await p.evaluate(() => window.scrollTo(0, 0));
        if (screen === "phone") {
          const over = await p.evaluate(() => (document.scrollingElement?.scrollWidth ?? 0) - innerWidth);
          assert.ok(over <= 0, `${name} on a phone scrolls sideways by ${over} px`);
        }
        if (lang === "es") assert.deepEqual(await englishOn(p, NAMES), [], `${name} in Spanish`);
        const file = `${lang}-${screen}-${name}.png`;
        const fullPage = screen === "desktop" && !!opts.fullPage;
        await p.screenshot({ path: join(shots, file), animations: "disabled", caret: "hide", fullPage });
        taken.push(file);
      }
    }
    await setLang("en");
  }

  it("takes every main screen in English and Spanish, desktop and phone", async () => {
    const org = await demoOrg(server.url);
    // Figures for the board: an answered call and an abandoned one.
    const done = await liveCall(org.admin, org.luis, org.sales);
    await org.luis.post(`/calls/${done.id}/hangup`);
    const gaveUp = await widgetCall(server.url, org.support);
    await fetch(`${server.url}/api/v1/widget/calls/${gaveUp.call.id}/hangup`, {
      method: "POST",
      headers: { "x-call-token": gaveUp.callToken },
    });

    const signin = await page();
    await signin.goto(server.url);
    await shoot(signin, "signin", bySwitch(signin), (l) =>
      signin.getByRole("button", { name: l === "en" ? "Sign in" : "Iniciar sesión" }),
    );

    const ana = await page();
    await signIn(ana, server.url, "ana@demo.test");
    await shoot(ana, "softphone-idle", bySwitch(ana), (l) =>
      ana.getByRole("textbox", { name: l === "en" ? "Number to call" : "Número a llamar" }),
    );

    const admin = await page();
    await signIn(admin, server.url, "admin@demo.test");
    await admin.getByRole("link", { name: "Admin" }).click();
    await shoot(admin, "admin", bySwitch(admin), (l) =>
      admin.getByRole("columnheader", { name: l === "en" ? "Monitoring access" : "Acceso a supervisión" }),
    );

    // luis on a Sales call, sofia and marco away: the widget's call rings ana alone.
    await liveCall(org.admin, org.luis, org.sales);
    await org.sofia.patch("/me", { availability: "unavailable" });
    await org.marco.patch("/me", { availability: "unavailable" });
    const customer = await page();
    await customer.goto(`${server.url}/widget/${org.support}`);
    await shoot(customer, "widget", bySwitch(customer), (l) =>
      customer.getByRole("button", { name: l === "en" ? "Call" : "Llamar" }),
    );
    await customer.getByRole("button", { name: "Call" }).click();
    await ana.getByRole("button", { name: "Answer" }).click();
    await customer.getByText("Connected", { exact: true }).waitFor();
    await shoot(customer, "widget-call", bySwitch(customer), (l) =>
      customer.getByRole("status").getByText(l === "en" ? "Connected" : "Conectado"),
    );
    await ana.getByText("Audio connected").waitFor();
    await shoot(ana, "softphone-call", bySwitch(ana), (l) =>
      ana.getByRole("button", { name: l === "en" ? "Hang up" : "Colgar" }),
    );
    // As the README says: sofia (she lands on Live Monitoring) starts a demo call to Support;
    // everyone there busy or away, it waits in the queue.
    const sofia = await page();
    await signIn(sofia, server.url, "sofia@demo.test");
    await sofia.getByRole("heading", { name: "Live Monitoring" }).waitFor();
    await sofia.getByRole("combobox", { name: "Demo call to" }).selectOption({ label: "Support" });
    await sofia.getByRole("button", { name: "Start demo call" }).click();
    const calls = sofia.getByRole("tabpanel", { name: /Calls|Llamadas/ });
    await shoot(sofia, "monitoring", bySwitch(sofia), () => calls.locator("tr[data-waiting-call]"), {
      top: () => sofia.getByRole("tablist"),
      fullPage: true,
    });
    await sofia.getByRole("tab", { name: "Users" }).click();
    await shoot(
      sofia,
      "monitoring-users",
      bySwitch(sofia),
      () => sofia.getByRole("tabpanel").locator(".chip.state-on_call"),
      { top: () => sofia.getByRole("tablist"), fullPage: true },
    );
    await sofia.getByRole("tab", { name: "Calls" }).click();

    for (const lang of ["en", "es"] as const) {
      await bySwitch(sofia)(lang);
      await sofia
        .getByRole("link", { name: lang === "en" ? "Open the wallboard" : "Abrir el panel de pared" })
        .click();
      await shoot(
        sofia,
        "wallboard",
        async () => {},
        () => sofia.locator("main.wallboard dd"),
        {
          langs: [lang],
        },
      );
      await sofia.goBack();
    }
    await bySwitch(sofia)("en");

    // sofia whispers to ana with one click, and sends a text whisper.
    await calls.getByRole("row").filter({ hasText: "Ana" }).getByRole("button", { name: "Whisper" }).click();
    await sofia.getByText("Who hears you: Agent").waitFor();
    await sofia.getByLabel("Text whisper to the agent").fill("Offer the 10% discount");
    await sofia.getByRole("button", { name: "Send" }).click();
    await ana.getByText("Offer the 10% discount").waitFor();
    await shoot(
      sofia,
      "coach-panel",
      bySwitch(sofia),
      (l) => sofia.getByRole("button", { name: l === "en" ? "Hold to talk" : "Mantén pulsado para hablar" }),
      { top: () => sofia.locator(".coach-panel") },
    );
    await shoot(ana, "softphone-coached", bySwitch(ana), (l) =>
      ana
        .getByRole("status")
        .filter({ hasText: l === "en" ? "Sofia is speaking to you" : "Sofia te está hablando" }),
    );
    assert.equal(taken.length, 44);
  });

  it("no page met a Content-Security-Policy violation", () => {
    assert.deepEqual(cspViolations, []);
  });
});
