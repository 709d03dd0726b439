// The web app runs under its Content-Security-Policy in Chromium (SPEC §7, issue 13): the
// sign-in page, the first-use set-up, the softphone, Live Monitoring and the widget report no
// violation, and the policy is enforced: an inline script injected into the page is blocked
// and reported (so the watcher that every browser test ends with would catch a real one).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { cspViolations, launchChromium, signIn } from "../support/web.ts";

describe("the web app under its Content-Security-Policy (Chromium)", { timeout: 120_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("sign-in, set-up, softphone, Live Monitoring and the widget run with no violation", async () => {
    const org = await demoOrg(server.url);
    const page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, "sofia@demo.test");
    await page.getByRole("link", { name: "Live Monitoring" }).click();
    await page.getByRole("tab", { name: "Users" }).click();
    // The Users tab lists ana (the page also names her in hidden filter options).
    await page
      .getByText("ana@demo.test")
      .or(page.getByText("Ana"))
      .filter({ visible: true })
      .first()
      .waitFor();
    const widget = await (await browser.newContext()).newPage();
    await widget.goto(`${server.url}/widget/${org.support}`);
    await widget.getByRole("button", { name: "Call" }).click();
    await widget.getByText("Ringing…").waitFor();
    await page.waitForTimeout(500);
    assert.deepEqual(cspViolations, []);
  });

  it("an injected inline script is blocked and reported", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    const ran = await page.evaluate(async () => {
      const s = document.createElement("script");
      s.textContent = "window.injected = true;";
      document.head.append(s);
      await new Promise((r) => setTimeout(r, 200));
      return (window as { injected?: boolean }).injected === true;
    });
    assert.equal(ran, false, "the inline script did not run");
    assert.ok(
      cspViolations.some((v) => /script-src/.test(v)),
      `reported: ${JSON.stringify(cspViolations)}`,
    );
    cspViolations.length = 0;
  });
});
