// The Spanish UI, the first-use set-up (remembered, repeated when storage is cleared),
// the unsupported-browser message, and the app in Debian's Firefox ESR with real audio.
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
  launchFirefox,
  PRESENT_DB,
  passSetup,
  signIn,
  until,
} from "../support/web.ts";

describe("languages, first-use set-up and Firefox", { timeout: 180_000 }, () => {
  let dir: string;
  let server: TestServer;
  let chromium: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "earshot-web2-"));
    server = await startServer({ media: await testMedia({ hosts: ["127.0.0.1"] }) });
    const wav = join(dir, "1000.wav");
    writeToneWav(wav, 1000, 20);
    chromium = await launchChromium(wav);
  });
  after(async () => {
    await chromium?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("speaks Spanish to a Spanish browser, and switches language", async () => {
    const context = await chromium.newContext({ locale: "es-ES" });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("button", { name: "Iniciar sesión" }).waitFor();
    await signIn(page, server.url, "sofia@demo.test");
    await page.getByRole("link", { name: "Supervisión en vivo" }).click();
    await page.getByRole("tab", { name: "Llamadas" }).waitFor();
    await page.getByRole("tab", { name: "Usuarios" }).click();
    // Agent-state chips in Spanish with their ticking timer (the others have no socket open).
    await page
      .getByText(/^Desconectado · \d+:\d\d$/)
      .first()
      .waitFor();
    await page.getByLabel("Idioma").first().selectOption("en");
    await page.getByRole("tab", { name: "Calls" }).waitFor();
    await page.getByRole("link", { name: "Live Monitoring" }).waitFor();
    await context.close();
  });

  it("runs the first-use set-up once, and again when storage is cleared", async () => {
    const context = await chromium.newContext();
    const page = await context.newPage();
    await signIn(page, server.url, "ana@demo.test", false);
    await page.getByRole("heading", { name: "Set up your audio" }).waitFor();
    await page.getByRole("button", { name: "Allow microphone" }).click();
    await page.getByRole("meter", { name: "Microphone level" }).waitFor();
    await page.getByRole("button", { name: "Play test sound" }).click();
    await page.getByText("Signalling (WebSocket):").locator("strong[data-result='ok']").waitFor();
    await page.getByRole("button", { name: "Finish set-up" }).click();
    await page.getByRole("link", { name: "Softphone" }).waitFor();
    await page.reload();
    await page.getByRole("link", { name: "Softphone" }).waitFor();
    assert.equal(await page.getByRole("heading", { name: "Set up your audio" }).count(), 0, "remembered");
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.getByRole("heading", { name: "Set up your audio" }).waitFor();
    await passSetup(page);
    await page.getByRole("link", { name: "Softphone" }).waitFor();
    await context.close();
  });

  it("tells a browser without WebRTC what is missing", async () => {
    const context = await chromium.newContext();
    await context.addInitScript(() => {
      // biome-ignore lint/suspicious/noExplicitAny: simulating an old browser
      delete (window as any).RTCPeerConnection;
    });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("alert").filter({ hasText: "Missing: WebRTC (RTCPeerConnection)" }).waitFor();
    await context.close();
  });

  it("works in Firefox ESR: a widget call with two-way audio, and Live Monitoring", async () => {
    const org = await demoOrg(server.url);
    await org.luis.patch("/me", { availability: "unavailable" });
    await org.marco.patch("/me", { availability: "unavailable" });
    await org.sofia.patch("/me", { availability: "unavailable" });
    const firefox = await launchFirefox(440);
    try {
      const customer = await (await firefox.newContext()).newPage();
      await customer.goto(`${server.url}/widget/${org.support}`);
      await customer.getByRole("button", { name: "Call" }).click();
      await customer.getByText("Ringing…").waitFor();
      const ana = await (await chromium.newContext()).newPage();
      await signIn(ana, server.url, "ana@demo.test");
      await ana.getByRole("button", { name: "Answer" }).click();
      await customer.getByText("Connected", { exact: true }).waitFor();
      const check = (page: Page, role: string, hz: number, absent: number) => async () => {
        const slots = await hears(page, role, [hz, absent]);
        if (!slots) return "no leg";
        const [on, off] = [0, 1].map((i) => Math.max(...slots.map((s) => s[i])));
        if (!(on > PRESENT_DB)) return `${role} does not hear ${hz} Hz (${on.toFixed(0)} dB)`;
        if (!(off < ABSENT_DB)) return `${role} hears ${absent} Hz`;
        return null;
      };
      await until(check(ana, "agent", 440, 1700), "ana hears the Firefox customer", 15_000);
      await until(check(customer, "customer", 1000, 1700), "the Firefox customer hears ana", 15_000);

      const sofia = await (await firefox.newContext()).newPage();
      await signIn(sofia, server.url, "sofia@demo.test");
      await sofia.getByRole("link", { name: "Live Monitoring" }).click();
      const coach = sofia.getByRole("row").filter({ hasText: "Ana" }).getByRole("button", { name: "Coach" });
      await coach.waitFor();
      assert.equal(await coach.isEnabled(), true);
      await ana.getByRole("button", { name: "Hang up" }).click();
      await customer.getByText("Call ended").waitFor();
      await ana.context().close();
    } finally {
      await firefox.close();
    }
  });

  it("no page met a Content-Security-Policy violation", () => {
    assert.deepEqual(cspViolations, []);
  });
});
