// The signed-in shell's Live store under React's StrictMode (main.tsx): StrictMode mounts,
// unmounts and mounts again, so a store made in useMemo and closed by the effect's cleanup
// stayed closed and the tab stopped hearing events. Here a change made elsewhere must reach
// the page through its socket after mount. And what happens while its socket is away (a
// reconnect) must show once it is back, with no later event to bring it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page, WebSocketRoute } from "playwright-core";
import { Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
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

  it("live updates arrive after mount: the availability switch follows a change made elsewhere, and keeps its name", async () => {
    await signIn(page, server.url, "ana@demo.test");
    // A switch with a fixed name: its state is aria-checked, never a new label.
    const toggle = page.getByRole("switch", { name: "Available", exact: true });
    await toggle.waitFor();
    const before = await toggle.getAttribute("aria-checked");
    const ana = await Client.login(server.url, "ana@demo.test");
    const next = before === "true" ? "unavailable" : "available";
    assert.equal((await ana.patch("/me", { availability: next })).status, 200);
    // No reload and no click: only the socket's user.updated can change the switch.
    await page.locator(`[role=switch][aria-checked="${next === "available"}"]`).waitFor({ timeout: 5000 });
    assert.equal(await toggle.getAttribute("aria-checked"), next === "available" ? "true" : "false");
    // Clicking flips it back, and it keeps its name.
    await toggle.click();
    await page.locator(`[role=switch][aria-checked="${next !== "available"}"]`).waitFor({ timeout: 5000 });
    assert.equal(await page.getByRole("switch", { name: "Available", exact: true }).count(), 1);
    assert.deepEqual(cspViolations, []);
  });

  it("a call made while the socket was away shows once it is back (the greeting reads the lists again)", async () => {
    const org = await demoOrg(server.url);
    const sofia = await (await browser.newContext()).newPage();
    // The page's socket goes through the test: it can be cut, and its next connection held
    // back from the server until the call below exists.
    let route: WebSocketRoute | null = null;
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let connections = 0;
    await sofia.routeWebSocket(/\/api\/v1\/ws/, async (ws) => {
      route = ws;
      if (++connections > 1) await held;
      ws.connectToServer();
    });
    await signIn(sofia, server.url, "sofia@demo.test");
    await sofia.getByRole("link", { name: "Live Monitoring" }).click();
    await sofia.getByRole("tab", { name: /Calls/ }).waitFor();
    const rows = sofia.locator("tr[data-waiting-call]");
    const shown = await rows.count();
    await (route as WebSocketRoute | null)?.close();
    const created = await org.admin.post<{ call: { id: string } }>("/demo/calls", { numberId: org.support });
    assert.equal(created.status, 201);
    // Only the reconnect can bring it: no event reaches the page for it after its greeting.
    release();
    await sofia.locator(`tr[data-waiting-call="${created.body.call.id}"]`).waitFor({ timeout: 8000 });
    assert.equal(await rows.count(), shown + 1);
    assert.ok(connections >= 2, "the page reconnected");
    await org.admin.post(`/calls/${created.body.call.id}/hangup`);
  });
});
