// The signed-in shell's Live store under React's StrictMode (main.tsx): StrictMode mounts,
// unmounts and mounts again, so a store made in useMemo and closed by the effect's cleanup
// stayed closed and the tab stopped hearing events. Here a change made elsewhere must reach
// the page through its socket after mount. And what happens while its socket is away (a
// reconnect) must show once it is back, with no later event to bring it. Events carry the
// viewer's grants: a row's Coach actions follow a change with no read of the calls, and the
// page reads the calls once as it loads.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser, Page, WebSocketRoute } from "playwright-core";
import type { Call } from "../../src/protocol/resources.ts";
import { buildDevWebApp } from "../support/devBuild.ts";
import { until } from "../support/poll.ts";
import { Client, demoOrg, startServer, type TestServer } from "../support/server.ts";
import { cspViolations, launchChromium, signIn } from "../support/web.ts";

describe("the Live store under StrictMode (Chromium)", { timeout: 90_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  let webRoot: string;

  before(async () => {
    // StrictMode mounts twice only in React's development build (test/support/devBuild.ts).
    webRoot = buildDevWebApp();
    server = await startServer({ webRoot });
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
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

  it("a row's Coach actions follow the events alone: the calls read once as the page loads, then never", async () => {
    const org = await demoOrg(server.url);
    const marco = await (await browser.newContext()).newPage();
    // As it loads, the page reads the live calls once, after its socket's greeting (it used to
    // read them before opening the socket, then again on the greeting).
    const loadReads: string[] = [];
    const countLoad = (r: { url(): string }) => {
      const url = new URL(r.url());
      if (url.pathname === "/api/v1/calls" && url.searchParams.get("live") === "true")
        loadReads.push(r.url());
    };
    marco.on("request", countLoad);
    await signIn(marco, server.url, "marco@demo.test");
    await marco.getByRole("link", { name: "Live Monitoring" }).click();
    await marco.getByRole("tab", { name: /Calls/ }).waitFor();
    await marco.waitForLoadState("networkidle");
    marco.off("request", countLoad);
    assert.equal(loadReads.length, 1, `the live calls read once on load: ${loadReads}`);
    const reads: string[] = [];
    marco.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/api/v1/calls")) reads.push(r.url());
    });
    // Ana (her page is open) is the one agent the call can ring: marco watches, unavailable.
    assert.equal((await org.marco.patch("/me", { availability: "unavailable" })).status, 200);
    assert.equal((await org.ana.patch("/me", { availability: "available" })).status, 200);
    await org.admin.post("/demo/calls", { numberId: org.support });
    // Ana answers the call that rings her (an earlier test's call may be ahead in the queue).
    const rung = await until(
      () => org.ana.get<{ calls: Call[] }>("/calls?live=true"),
      (r) => r.body.calls.some((c) => c.ringingUserIds.includes(org.ana.user?.id as string)),
    );
    const id = rung.body.calls.find((c) => c.ringingUserIds.includes(org.ana.user?.id as string))?.id;
    const answered = await org.ana.post(`/calls/${id}/answer`);
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    const row = marco.locator(`tr[data-call="${id}"]`);
    const listen = row.getByRole("button", { name: "Listen", exact: true });
    await listen.waitFor({ timeout: 8000 });
    assert.equal(await listen.getAttribute("aria-disabled"), null, "marco may coach ana's call");
    const coached = await org.sofia.post(`/calls/${id}/coaching`, {});
    assert.equal(coached.status, 201, JSON.stringify(coached.body));
    await row.getByText("Someone is already coaching this call.").waitFor({ timeout: 8000 });
    assert.equal(await listen.getAttribute("aria-disabled"), "true");
    assert.deepEqual(reads, [], "the row changed from the events alone");
    await org.ana.post(`/calls/${id}/hangup`);
    await row.waitFor({ state: "detached", timeout: 8000 });
    assert.deepEqual(reads, []);
    await marco.context().close();
  });

  it("a waiting call's clock ticks on screen, stands still off it, and is current when scrolled to", async () => {
    const org = await demoOrg(server.url);
    for (const c of [org.ana, org.luis, org.sofia, org.marco])
      assert.equal((await c.patch("/me", { availability: "unavailable" })).status, 200);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const numberId = i % 2 === 0 ? org.support : org.sales; // each number's queue has a cap
      const r = await org.admin.post<{ call: { id: string } }>("/demo/calls", { numberId });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push(r.body.call.id);
    }
    const small = await (await browser.newContext({ viewport: { width: 800, height: 300 } })).newPage();
    await signIn(small, server.url, "sofia@demo.test");
    await small.getByRole("link", { name: "Live Monitoring" }).click();
    const waitOf = (id: string) =>
      small.locator(`tr[data-waiting-call="${id}"] time[data-wait]`).getAttribute("data-wait").then(Number);
    const first = ids[0];
    const offScreen = ids[ids.length - 1];
    await small.locator(`tr[data-waiting-call="${offScreen}"]`).waitFor({ state: "attached" });
    const inView = async (id: string) =>
      small.locator(`tr[data-waiting-call="${id}"]`).evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight * 1.5;
      });
    // The list is longer than the screen: with its first row at the top, the last is well below it.
    await small.locator(`tr[data-waiting-call="${first}"]`).evaluate((el) => el.scrollIntoView());
    assert.equal(await inView(first), true);
    assert.equal(await inView(offScreen), false, "the last waiting call is off screen");
    const shownBefore = await waitOf(first);
    const stillBefore = await waitOf(offScreen);
    await small.waitForTimeout(2500);
    assert.ok((await waitOf(first)) >= shownBefore + 2, "the row on screen ticks");
    assert.equal(await waitOf(offScreen), stillBefore, "the row off screen stands still");
    await small.locator(`tr[data-waiting-call="${offScreen}"]`).scrollIntoViewIfNeeded();
    const call = await org.admin.get<{ call: { queuedAt: string } }>(`/calls/${offScreen}`);
    const expected = (Date.now() - Date.parse(call.body.call.queuedAt)) / 1000;
    await small.waitForFunction(
      ([id, min]) => {
        const t = document.querySelector(`tr[data-waiting-call="${id}"] time[data-wait]`);
        return Number(t?.getAttribute("data-wait")) >= min;
      },
      [offScreen, Math.floor(expected) - 1] as const,
      { timeout: 3000 },
    );
    await small.context().close();
  });
});
