// The web app shows the server's refusals in the user's language, by error code, and a
// validation failure as a sentence about its field (shared/i18n.errors.ts), in Spanish here:
// the server's messages are English.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startServer, type TestServer } from "../support/server.ts";
import { cspViolations, launchChromium, passSetup } from "../support/web.ts";

describe("server refusals in Spanish (Chromium)", { timeout: 90_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startServer();
    browser = await launchChromium(undefined, "es-ES");
    page = await (await browser.newContext({ locale: "es-ES" })).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("a wrong password reads as invalid_credentials in Spanish", async () => {
    await page.goto(server.url);
    await page.getByLabel("Correo electrónico").pressSequentially("ana@demo.test");
    await page.getByLabel("Contraseña").pressSequentially("wrong-password");
    await page.getByRole("button", { name: "Iniciar sesión" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "Correo electrónico o contraseña incorrectos." })
      .waitFor();
  });

  it("a number the server refuses reads as a sentence about the field", async () => {
    await page.getByLabel("Contraseña").fill("demo1234");
    await page.getByRole("button", { name: "Iniciar sesión" }).click();
    await passSetup(page);
    await page.getByLabel("Número a llamar").fill("12ab");
    await page.getByRole("button", { name: "Llamar", exact: true }).click();
    const alert = page.getByRole("alert").filter({ hasText: "«Número» no tiene un formato válido." });
    await alert.waitFor();
    assert.doesNotMatch((await page.getByRole("alert").allTextContents()).join(" "), /must|body\//);
    assert.deepEqual(cspViolations, []);
  });

  it("the demo call starts on the agent's own line, says what it did, and rings her", async () => {
    const picker = page.getByRole("combobox", { name: "Llamada de demostración a" });
    const chosen = await picker.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent);
    assert.equal(chosen, "Support", "ana is in Support's distribution, not in Sales'");
    await page.getByRole("button", { name: "Iniciar llamada de demostración" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Llamada de demostración a Support iniciada" })
      .waitFor();
    await page.getByRole("region", { name: "Llamada entrante" }).waitFor();
  });
});
