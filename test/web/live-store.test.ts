// The signed-in shell's Live store under React's StrictMode (main.tsx): StrictMode mounts,
// unmounts and mounts again, so a store made in useMemo and closed by the effect's cleanup
// stayed closed and the tab stopped hearing events. Here a change made elsewhere must reach
// the page through its socket after mount.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { Client, startServer, type TestServer } from "../support/server.ts";
import { cspViolations, launchChromium, signIn } from "../support/web.ts";

describe("the Live store under StrictMode (Chromium)", { timeout: 90_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("live updates arrive after mount: availability changed from another session shows at once", async () => {
    await signIn(page, server.url, "ana@demo.test");
    const toggle = page.getByRole("button", { name: /^(Available|Unavailable)$/ });
    await toggle.waitFor();
    const before = await toggle.getAttribute("aria-pressed");
    const ana = await Client.login(server.url, "ana@demo.test");
    const next = before === "true" ? "unavailable" : "available";
    assert.equal((await ana.patch("/me", { availability: next })).status, 200);
    // No reload and no click: only the socket's user.updated can change the button.
    await page
      .getByRole("button", { name: next === "available" ? "Available" : "Unavailable", exact: true })
      .waitFor({ timeout: 5000 });
    assert.equal(await toggle.getAttribute("aria-pressed"), next === "available" ? "true" : "false");
    assert.deepEqual(cspViolations, []);
  });
});
