// Issue 15's queue end to end in the real web app (Chromium), what each person hears checked by
// FFT: a widget caller who finds every agent busy waits hearing hold music while sofia sees the
// wait in Live Monitoring, and ana answers once she frees up; then ana's tab closes while sofia
// coaches, and past the grace the call is back in the queue — hold music again, shown waiting,
// and sofia told why her session ended.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { HOLD_MUSIC_NOTES } from "../../src/media/sources.ts";
import { writeToneWav } from "../support/audio.ts";
import { getCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import {
  ABSENT_DB,
  cspViolations,
  hears,
  launchChromium,
  PRESENT_DB,
  signIn,
  until,
} from "../support/web.ts";

const TONE = { customer: 440, agent: 1000, coach: 1700 } as const;
const NOTES = [...new Set(HOLD_MUSIC_NOTES)];
const GRACE_MS = 1500;

/** What `page`'s `role` leg hears now: its loudest hold-music note and each tone, in dB. */
async function levels(page: Page, role: string) {
  const freqs: number[] = [...NOTES, TONE.customer, TONE.agent, TONE.coach];
  const slots = await hears(page, role, freqs);
  if (!slots) return null;
  const level = (hz: number) => Math.max(...slots.map((s) => s[freqs.indexOf(hz)]));
  return { music: Math.max(...NOTES.map(level)), level };
}

/** The customer hears hold music (a note of it, by FFT) and no agent. */
const holdMusic = (customer: Page, what: string) =>
  until(async () => {
    const l = await levels(customer, "customer");
    if (!l) return "no audio leg yet";
    if (!(l.music > PRESENT_DB)) return `no hold music (${l.music.toFixed(0)} dB)`;
    if (!(l.level(TONE.agent) < ABSENT_DB)) return `hears the agent (${l.level(TONE.agent).toFixed(0)} dB)`;
    return null;
  }, what);

/** `role` on `page` hears the tone `hz`. */
const hearsTone = (page: Page, role: string, hz: number, what: string) =>
  until(async () => {
    const l = await levels(page, role);
    if (!l) return "no audio leg yet";
    return l.level(hz) > PRESENT_DB ? null : `${hz} Hz at ${l.level(hz).toFixed(0)} dB`;
  }, what);

describe("the queue and an agent gone, in the web app (Chromium)", { timeout: 180_000 }, () => {
  let dir: string;
  let server: TestServer;
  const browsers: Browser[] = [];
  let customer: Page;
  let ana: Page;
  let sofia: Page;
  let callId = "";
  let org: Awaited<ReturnType<typeof demoOrg>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "earshot-queue-"));
    server = await startServer({
      media: await testMedia({ hosts: ["127.0.0.1"] }),
      agentGraceMs: GRACE_MS,
      queueSweepMs: 250,
    });
    const open = async (tone: number) => {
      const wav = join(dir, `${tone}.wav`);
      writeToneWav(wav, tone, 20);
      const b = await launchChromium(wav);
      browsers.push(b);
      return (await b.newContext()).newPage();
    };
    [customer, ana, sofia] = await Promise.all([open(TONE.customer), open(TONE.agent), open(TONE.coach)]);
  });
  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a widget caller waits with hold music, sofia sees the wait, and ana answers once she frees up", async () => {
    org = await demoOrg(server.url);
    // Every agent of Support is busy elsewhere (unavailable): the caller waits.
    for (const u of [org.ana, org.luis, org.sofia, org.marco])
      assert.equal((await u.patch("/me", { availability: "unavailable" })).status, 200);
    await signIn(ana, server.url, "ana@demo.test");
    await signIn(sofia, server.url, "sofia@demo.test");
    await sofia.getByRole("link", { name: "Live Monitoring" }).click();
    const waiting = sofia.getByRole("region", { name: "Waiting calls" });
    await waiting.getByText("Nobody is waiting.").waitFor();

    await customer.goto(`${server.url}/widget/${org.support}`);
    await customer.getByRole("button", { name: "Call" }).click();
    await customer.getByRole("status").getByText("Ringing…").waitFor();
    await holdMusic(customer, "the waiting caller hears hold music");

    const row = waiting.getByRole("row").filter({ hasText: "waiting for a free agent" });
    await row.waitFor();
    callId = (await row.getAttribute("data-waiting-call")) ?? "";
    assert.ok(callId, "the waiting call's row");
    // The wait ticks in the supervisor's view.
    await until(async () => {
      const s = Number(await row.locator("time").getAttribute("data-wait"));
      return s >= 2 ? null : `shows ${s} s`;
    }, "the wait shown to sofia");
    assert.match((await row.locator("time").textContent()) ?? "", /^waiting 0:0[2-9]$/);

    assert.equal((await org.ana.patch("/me", { availability: "available" })).status, 200);
    await ana.getByRole("button", { name: "Answer" }).click();
    await customer.getByText("Connected", { exact: true }).waitFor();
    await hearsTone(customer, "customer", TONE.agent, "the customer hears ana");
    await hearsTone(ana, "agent", TONE.customer, "ana hears the customer");
    await waiting.getByText("Nobody is waiting.").waitFor();
    const answered = await getCall(org.admin, callId);
    assert.deepEqual([answered.state, answered.agentId], ["in_progress", org.ana.id]);
  });

  it("ana's tab closes while sofia coaches: past the grace the call waits again, with hold music", async () => {
    assert.ok(callId, "the first test's call");
    const callRow = sofia.getByRole("row").filter({ hasText: "Ana" });
    await callRow.getByRole("button", { name: "Coach" }).click();
    await sofia.getByRole("dialog").getByRole("button", { name: "Join" }).click();
    await hearsTone(sofia, "coach", TONE.customer, "sofia listens");

    const closedAt = Date.now();
    await ana.close();
    await holdMusic(customer, "the customer hears hold music again");
    assert.ok(Date.now() - closedAt >= GRACE_MS, "not before the grace");
    const waiting = sofia.getByRole("region", { name: "Waiting calls" });
    await waiting.locator(`[data-waiting-call="${callId}"]`).getByText("waiting for a free agent").waitFor();
    await sofia
      .getByRole("status")
      .filter({ hasText: "the agent's softphone disconnected and the call went back to the queue" })
      .waitFor();
    const requeued = await getCall(org.admin, callId);
    assert.deepEqual([requeued.state, requeued.agentId], ["ringing", null]);
    assert.ok(requeued.queuedAt && Date.parse(requeued.queuedAt) >= closedAt, "queued anew");
    await customer.getByRole("status").getByText("Ringing…").waitFor();
    assert.deepEqual(cspViolations, []);
  });
});
