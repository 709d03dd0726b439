// The designed interface down to a 360 px phone (issue 15), in Chromium: Live Monitoring with
// live and waiting calls and the softphone on a call fit the width (no sideways scrolling), the
// monitoring tables become cards with every coach action reachable by its name, the coach's
// on-screen hold-to-talk whispers only while a finger holds it (touch events, then the mouse),
// the tables' headers are column headers (the action column named too), and the favicon is
// served by the app under its CSP. Calls are driven through the API, as live-board-ui does.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import type { Call } from "../../src/protocol/resources.ts";
import { getCall, liveCall } from "../support/calls.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { cspViolations, launchChromium, signIn, until } from "../support/web.ts";

const PHONE = { width: 360, height: 740 };

/** How far the page scrolls sideways beyond the viewport (0: it fits). */
const overflow = (page: Page) =>
  page.evaluate(() => (document.scrollingElement?.scrollWidth ?? 0) - window.innerWidth);

/** Whether `l` lies inside the viewport's width. */
async function insideWidth(l: Locator, width: number): Promise<boolean> {
  const box = await l.boundingBox();
  return !!box && box.x >= 0 && box.x + box.width <= width;
}

describe("the interface down to 360 px (Chromium)", { timeout: 150_000 }, () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let browser: Browser;
  let anaCall: Call;

  before(async () => {
    server = await startServer();
    org = await demoOrg(server.url);
    browser = await launchChromium();
    // ana on a Support call; with everyone else in Support unavailable, a second caller waits.
    for (const c of [org.luis, org.marco, org.sofia]) await c.patch("/me", { availability: "unavailable" });
    anaCall = await liveCall(org.admin, org.ana, org.support);
    assert.equal((await org.admin.post("/demo/calls", { numberId: org.support })).status, 201);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("Live Monitoring at 360 px: cards with every action, no sideways scrolling, hold to talk by touch", async () => {
    const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, server.url, "sofia@demo.test");
    await page.getByRole("link", { name: "Live Monitoring" }).click();
    const calls = page.getByRole("tabpanel", { name: "Calls" });
    const card = calls.locator(`tr[data-call="${anaCall.id}"]`);
    await card.waitFor();
    await calls.locator("tr[data-waiting-call]").first().waitFor();
    assert.ok((await overflow(page)) <= 0, `the Calls tab scrolls sideways by ${await overflow(page)} px`);
    // A card, not a squeezed table row: the row is a block as wide as the list.
    assert.equal(await card.evaluate((tr) => getComputedStyle(tr).display), "block");
    for (const name of ["Listen", "Whisper", "Barge", "Coach…"]) {
      const button = card.getByRole("button", { name, exact: true });
      assert.equal(await button.isVisible(), true, `${name} is visible on the card`);
      assert.ok(await insideWidth(button, PHONE.width), `${name} lies inside the 360 px`);
    }

    await page.getByRole("tab", { name: "Users" }).click();
    const anaCard = page.getByRole("tabpanel", { name: "Users" }).locator('tr[data-user="ana@demo.test"]');
    await anaCard.getByRole("button", { name: "Whisper", exact: true }).waitFor();
    assert.ok(await insideWidth(anaCard.getByRole("button", { name: "Barge" }), PHONE.width));
    assert.ok((await overflow(page)) <= 0, "the Users tab fits");
    await page.getByRole("tab", { name: "Calls" }).click();

    // One tap on Listen: the coach panel, and its hold-to-talk held by a finger.
    await card.getByRole("button", { name: "Listen", exact: true }).click();
    const hold = page.getByRole("button", { name: "Hold to talk" });
    await hold.waitFor();
    assert.equal(await hold.getAttribute("aria-pressed"), "false");
    const heardBy = page.locator(".coach-panel").getByRole("status");
    await heardBy.getByText("Who hears you: nobody").waitFor();
    assert.ok((await overflow(page)) <= 0, "the coach panel fits");

    const session = async () => (await getCall(org.sofia, anaCall.id)).coachingSession;
    await hold.scrollIntoViewIfNeeded();
    const box = await hold.boundingBox();
    assert.ok(box, "the button has a box");
    const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const cdp = await context.newCDPSession(page);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
    await until(
      async () => ((await hold.getAttribute("aria-pressed")) === "true" ? null : "not pressed"),
      "held: pressed",
    );
    await heardBy.getByText("Who hears you: Agent").waitFor();
    await until(async () => {
      const s = await session();
      return s?.mode === "whisper" && s.hearing.agentHearsCoach && !s.hearing.customerHearsCoach
        ? null
        : `the session is ${JSON.stringify(s?.hearing)}`;
    }, "while held the agent, and only the agent, hears the coach");
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await heardBy.getByText("Who hears you: nobody").waitFor();
    assert.equal(await hold.getAttribute("aria-pressed"), "false");
    await until(async () => {
      const s = await session();
      return s?.mode === "listen" && !s.hearing.agentHearsCoach ? null : `the session is ${s?.mode}`;
    }, "released: back to listen");

    // The mouse holds it the same way.
    await hold.hover();
    await page.mouse.down();
    await heardBy.getByText("Who hears you: Agent").waitFor();
    await page.mouse.up();
    await heardBy.getByText("Who hears you: nobody").waitFor();
    assert.equal((await session())?.mode, "listen");

    await page.getByRole("button", { name: "Leave" }).click();
    await page.getByText("The coaching session ended: you left").waitFor();
    await context.close();
  });

  it("the softphone at 360 px, idle and on a call, fits the width", async () => {
    const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
    const ana = await context.newPage();
    await signIn(ana, server.url, "ana@demo.test");
    await ana.getByRole("button", { name: "Hang up" }).waitFor();
    assert.ok((await overflow(ana)) <= 0, `ana's softphone scrolls sideways by ${await overflow(ana)} px`);
    const luis = await (await browser.newContext({ viewport: PHONE, hasTouch: true })).newPage();
    await signIn(luis, server.url, "luis@demo.test");
    await luis.getByRole("textbox", { name: "Number to call" }).waitFor();
    assert.ok((await overflow(luis)) <= 0, "the idle softphone fits");
    // The header stays compact: well under a third of the screen.
    const header = await luis.locator(".shell > header").boundingBox();
    assert.ok(header && header.height < PHONE.height / 6, `the header is ${header?.height} px high`);
    await luis.context().close();
    await context.close();
  });

  it("every table column has a header, the action columns too (by role columnheader)", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const headers = (l: Locator) => l.getByRole("columnheader").allTextContents();
    await signIn(page, server.url, "sofia@demo.test");
    await page.getByRole("link", { name: "Live Monitoring" }).click();
    const calls = page.getByRole("tabpanel", { name: "Calls" });
    await calls.locator(`tr[data-call="${anaCall.id}"]`).waitFor();
    assert.deepEqual(await headers(calls.getByRole("table").last()), [
      "Number",
      "Agent",
      "Customer",
      "Duration",
      "State",
      "Coach",
      "Actions",
    ]);
    await page.getByRole("tab", { name: "Users" }).click();
    const users = page.getByRole("tabpanel", { name: "Users" });
    assert.deepEqual(await headers(users.getByRole("table")), [
      "Name",
      "Role",
      "Availability",
      "State",
      "Actions",
    ]);
    assert.equal(await users.getByRole("columnheader", { name: "Actions" }).count(), 1);
    await context.close();

    const admin = await (await browser.newContext()).newPage();
    await signIn(admin, server.url, "admin@demo.test");
    await admin.getByRole("link", { name: "Admin" }).click();
    const table = admin.getByRole("region", { name: "Users" }).getByRole("table");
    await table.getByRole("row").nth(1).waitFor();
    assert.deepEqual(await headers(table), ["Name", "Email", "Role", "Monitoring access"]);
    await admin.context().close();
  });

  it("serves its favicon (an SVG the page links, under the CSP)", async () => {
    const res = await fetch(`${server.url}/favicon.svg`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^image\/svg\+xml/);
    assert.match(await res.text(), /^<svg /);
    const page = await (await browser.newContext()).newPage();
    const loaded = page.waitForResponse((r) => r.url().endsWith("/favicon.svg"));
    await page.goto(server.url);
    assert.equal(await page.locator('link[rel="icon"]').getAttribute("href"), "/favicon.svg");
    assert.equal((await loaded).status(), 200);
    await page.context().close();
  });

  it("no page met a Content-Security-Policy violation", () => {
    assert.deepEqual(cspViolations, []);
  });
});
