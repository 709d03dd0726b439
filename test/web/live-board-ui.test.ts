// The supervisor's live board in the web app (issue 15): the board's figures against
// GET /stats/live after an answered and an abandoned call, agent-state chips with their
// ticking timer, the lists' state filter, raised hands on top with their chime (the test
// build's window.earshotHandChimes), the availability switch, and the wallboard updating
// without reload in Firefox ESR in Spanish. Calls are driven through the API, as
// test/api/live-board.test.ts does; controls are found by role and accessible name.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import type { Call } from "../../src/protocol/resources.ts";
import type { LiveStats, PeriodStats } from "../../src/protocol/stats.ts";
import { liveCall, widgetCall } from "../support/calls.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { cspViolations, launchChromium, launchFirefox, signIn, until } from "../support/web.ts";
import { EventClient } from "../support/ws.ts";

/** What a locator reads (its text content; "" when it has none). */
const text = async (l: Locator) => (await l.textContent()) ?? "";
const cells = (row: Locator) => row.locator("td").allTextContents();

/** Whether a board row's cells read the API's figures (counts, percent, whole seconds). */
function mismatch(texts: string[], waiting: number, p: PeriodStats): string | null {
  const [w, , answered, abandoned, sl, asa, aht] = texts.map((x) => x.replace(/\s+/g, " "));
  const seconds = (ms: number | null) => (ms === null ? "—" : new RegExp(`^${Math.round(ms / 1000)} sec`));
  const checks: [string, string | RegExp][] = [
    [w, String(waiting)],
    [answered, String(p.answered)],
    [abandoned, String(p.abandoned)],
    [sl, p.serviceLevel === null ? "—" : `${Math.round(p.serviceLevel * 100)}%`],
    [asa, seconds(p.averageSpeedOfAnswerMs)],
    [aht, seconds(p.averageHandleTimeMs)],
  ];
  for (const [got, want] of checks)
    if (typeof want === "string" ? got !== want : !want.test(got)) return `${got} is not ${want} in ${texts}`;
  return null;
}

describe("the live board in the web app", { timeout: 180_000 }, () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  const browsers: Browser[] = [];
  let sofia: Page;

  before(async () => {
    server = await startServer({ boardPushMs: 200 });
    org = await demoOrg(server.url);
    const chromium = await launchChromium();
    browsers.push(chromium);
    sofia = await (await chromium.newContext()).newPage();
  });
  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.close();
  });

  it("shows the figures of GET /stats/live after an answered and an abandoned call (Chromium)", async () => {
    await signIn(sofia, server.url, "sofia@demo.test");
    await sofia.getByRole("link", { name: "Live Monitoring" }).click();
    const today = sofia.getByRole("table", { name: "Today" });
    await today.waitFor();
    const answered = await liveCall(org.admin, org.luis, org.support);
    assert.equal((await org.luis.post(`/calls/${answered.id}/hangup`)).status, 200);
    const gaveUp = await widgetCall(server.url, org.support);
    const hung = await fetch(`${server.url}/api/v1/widget/calls/${gaveUp.call.id}/hangup`, {
      method: "POST",
      headers: { "x-call-token": gaveUp.callToken },
    });
    assert.equal(hung.status, 200);

    const stats = async () => (await org.sofia.get<LiveStats>("/stats/live")).body;
    await until(async () => {
      const s = await stats();
      const support = s.numbers.find((n) => n.numberId === org.support);
      if (support?.today.answered !== 1 || support.today.abandoned !== 1) return "API not there yet";
      const row = today.getByRole("row", { name: new RegExp(`^${support.name}`) });
      const total = today.getByRole("row", { name: /^All numbers/ });
      const recent = sofia.getByRole("table", { name: "Last 15 minutes" }).getByRole("row", {
        name: new RegExp(`^${support.name}`),
      });
      return (
        mismatch(await cells(row), support.waiting, support.today) ??
        mismatch(await cells(total), s.total.waiting, s.total.today) ??
        mismatch(["0", "", ...(await cells(recent))], 0, support.last15m)
      );
    }, "the board reads the API's figures");
    // The definitions are there as text.
    const sl = today.getByRole("columnheader", { name: "Service level" });
    assert.match((await sl.getAttribute("title")) ?? "", /answered within 20 seconds/);
  });

  it("agent-state chips tick, the state filter narrows the list, raised hands go to the top", async () => {
    const ana = await EventClient.connect(server.url, `token=${org.ana.token}`);
    await sofia.getByRole("tab", { name: "Users" }).click();
    const users = sofia.getByRole("tabpanel", { name: "Users" });
    const anaRow = users.getByRole("row").filter({ hasText: "Ana" });
    await anaRow.getByText(/^Available · \d+:\d\d$/).waitFor();

    const anaCall = await liveCall(org.admin, org.ana, org.support);
    const chip = anaRow.getByText(/^On a call · 0:0\d$/);
    await chip.waitFor();
    const first = await text(chip);
    await until(async () => ((await text(chip)) !== first ? null : first), "the timer ticks", 3000);

    const agents = users.locator("tbody tr");
    const everyone = await agents.count();
    await users.getByLabel("State").selectOption({ label: "On a call" });
    await until(
      async () => ((await agents.count()) === 1 ? null : `${await agents.count()} rows`),
      "filtered",
    );
    assert.match(await text(agents.first()), /Ana/);
    await users.getByLabel("State").selectOption({ label: "All" });
    assert.equal(await agents.count(), everyone);

    // Luis's call is newer, so "longest first" lists it second; his raised hand lifts it to the top.
    await sofia.getByRole("tab", { name: "Calls" }).click();
    const calls = sofia.getByRole("tabpanel", { name: "Calls" }).locator("tbody tr");
    const luisCall: Call = await liveCall(org.admin, org.luis, org.support);
    await until(
      async () => ((await calls.count()) === 2 ? null : `${await calls.count()} calls`),
      "two calls",
    );
    assert.match(await text(calls.first()), /Ana/);
    assert.equal((await org.luis.post(`/calls/${luisCall.id}/hand`, { raised: true })).status, 200);
    await calls.first().getByText("Hand raised").waitFor();
    assert.match(await text(calls.first()), /Luis/);
    const chimes = await sofia.evaluate(() => (window as { earshotHandChimes?: number }).earshotHandChimes);
    assert.equal(chimes, 1, "one chime for one raised hand");

    for (const [c, who] of [
      [anaCall, org.ana],
      [luisCall, org.luis],
    ] as const)
      assert.equal((await who.post(`/calls/${c.id}/hangup`)).status, 200);
    ana.close();
  });

  it("the availability switch keeps its name and flips aria-checked", async () => {
    const toggle = sofia.getByRole("switch", { name: "Available", exact: true });
    const before = await toggle.getAttribute("aria-checked");
    await toggle.click();
    await sofia.locator(`[role=switch][aria-checked="${before !== "true"}"]`).waitFor();
    assert.equal(await sofia.getByRole("switch", { name: "Available", exact: true }).count(), 1);
    await toggle.click();
    await sofia.locator(`[role=switch][aria-checked="${before}"]`).waitFor();
    assert.deepEqual(cspViolations, []);
  });

  it("the wallboard updates without reload (Firefox ESR, Spanish)", async () => {
    const firefox = await launchFirefox();
    browsers.push(firefox);
    const page = await (await firefox.newContext({ locale: "es-ES" })).newPage();
    await signIn(page, server.url, "sofia@demo.test");
    await page.getByRole("link", { name: "Supervisión en vivo" }).click();
    await page.getByRole("link", { name: "Abrir el panel de pared" }).click();
    await page.getByRole("heading", { name: "Panel de pared · Hoy" }).waitFor();
    assert.equal(await page.getByRole("button").count(), 0, "the wallboard has no controls");
    const total = page.getByRole("region", { name: "Todos los números" });
    const waiting = total.locator(".tile", { hasText: /^En espera/ }).locator("dd");
    await until(async () => ((await text(waiting)) === "0" ? null : await text(waiting)), "none waits");
    const created = await org.admin.post<{ call: Call }>("/demo/calls", { numberId: org.support });
    await until(async () => ((await text(waiting)) === "1" ? null : await text(waiting)), "one waits");
    const answered = total.locator(".tile", { hasText: /^Atendidas/ }).locator("dd");
    const before = Number(await text(answered));
    assert.equal((await org.ana.post(`/calls/${created.body.call.id}/answer`)).status, 200);
    await until(
      async () => (Number(await text(answered)) === before + 1 ? null : await text(answered)),
      "answered",
    );
    assert.equal((await org.ana.post(`/calls/${created.body.call.id}/hangup`)).status, 200);
    assert.deepEqual(cspViolations, []);
  });
});
