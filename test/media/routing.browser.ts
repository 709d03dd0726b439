// Shared by the media browser tests: the three parties, and polling assertions on
// what each of them hears in each slot.
import assert from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Party } from "../../src/control/routing.ts";
import { writeToneWav } from "../support/audio.ts";
import { BrowserParty, type Launcher, launchHere } from "../support/browser.ts";
import type { SlotLevels } from "../support/browser-page.ts";
import type { SignalHarness } from "../support/signal-harness.ts";

export const TONES = { customer: 440, agent: 1000, coach: 1700 } as const;
export const FREQS = [TONES.customer, TONES.agent, TONES.coach] as const;
export const PARTIES = ["customer", "agent", "coach"] as const;

/**
 * One Chromium per party, each with its own tone as the fake microphone (WAV files in `dir`),
 * started by `launcherOf(party)` (here by default; e.g. in a namespace with launchChromiumIn).
 */
export async function launchParties(
  dir: string,
  harness: Pick<SignalHarness, "url">,
  launcherOf: (party: Party) => Launcher = () => launchHere,
): Promise<Record<Party, BrowserParty>> {
  const launched = await Promise.allSettled(
    PARTIES.map((party) => {
      const wav = join(dir, `${party}.wav`);
      writeToneWav(wav, TONES[party]);
      return BrowserParty.launch(party, harness, wav, launcherOf(party));
    }),
  );
  const failed = launched.find((r) => r.status === "rejected");
  if (failed) {
    await Promise.all(launched.map((r) => (r.status === "fulfilled" ? r.value.close() : undefined)));
    throw failed.reason;
  }
  const [customer, agent, coach] = launched.map((r) => (r as PromiseFulfilledResult<BrowserParty>).value);
  return { customer, agent, coach };
}

/** Polls `check` every 100 ms until it holds; fails the test with `what` after `ms`. */
export async function waitFor(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`${what}: not within ${ms} ms`);
}

/** A tone is heard above this level (dBFS in the analyser; the fake tones arrive around -22 dB). */
const PRESENT_DB = -45;
/**
 * and not heard below this one: silence reads -100 dB or -Infinity, G.711 quantisation
 * noise of another tone up to about -70 dB, and a leaked tone would read about -22 dB.
 */
const ABSENT_DB = -60;

/** For each listener, what each slot must carry: a party's tone, "other" (other audio: hold music, a voice) or null (nothing). */
export type Expectation = Record<Party, readonly [Party | "other" | null, Party | "other" | null]>;

/** Tones that must never be heard while a phase runs, even before it settles: [listener, party]. */
export type Never = ReadonlyArray<readonly [Party, Party]>;

const levelOf = (slot: SlotLevels, freq: number) =>
  slot.levels[FREQS.indexOf(freq as never)] ?? Number.NEGATIVE_INFINITY;

function check(listener: Party, slots: [SlotLevels, SlotLevels], want: Expectation[Party]): string[] {
  const problems: string[] = [];
  for (const slot of [0, 1] as const) {
    const expected = want[slot];
    for (const party of PARTIES) {
      const db = levelOf(slots[slot], TONES[party]);
      if (expected === party && !(db > PRESENT_DB))
        problems.push(`${listener}[${slot}] misses ${party} (${db?.toFixed(0)} dB)`);
      if (expected !== party && !(db < ABSENT_DB) && db !== null)
        problems.push(`${listener}[${slot}] hears ${party} (${db.toFixed(0)} dB)`);
    }
    if (expected === "other" && slots[slot].tones.length === 0)
      problems.push(`${listener}[${slot}] hears no audio`);
    if (expected === null && slots[slot].tones.length > 0)
      problems.push(`${listener}[${slot}] hears ${slots[slot].tones.join("/")} Hz`);
  }
  return problems;
}

/**
 * Polls every party until what it hears matches `want` (deadline `timeoutMs`), then
 * checks that it stays so for `stableMs`. `never` is checked on every sample.
 */
export async function expectHearing(
  parties: Partial<Record<Party, BrowserParty>>,
  want: Expectation,
  options: { never?: Never; timeoutMs?: number; stableMs?: number; label?: string } = {},
): Promise<number> {
  const { never = [], timeoutMs = 6000, stableMs = 600, label = "" } = options;
  const start = Date.now();
  let settledAt = 0;
  let problems: string[] = [];
  for (;;) {
    const samples = await Promise.all(
      PARTIES.map(async (p) => [p, await parties[p]?.levels(FREQS)] as const),
    );
    problems = [];
    for (const [p, slots] of samples) {
      if (!slots) continue;
      for (const [listener, party] of never) {
        if (listener !== p) continue;
        for (const slot of slots) {
          const db = levelOf(slot, TONES[party]);
          assert.ok(
            !(db > ABSENT_DB) || db === null,
            `${label}: LEAK — ${listener} heard ${party} (${db} dB)`,
          );
        }
      }
      problems.push(...check(p, slots, want[p]));
    }
    const now = Date.now();
    if (problems.length === 0) {
      settledAt ||= now;
      if (now - settledAt >= stableMs) return settledAt - start;
    } else if (settledAt) {
      assert.fail(`${label}: unstable after settling: ${problems.join("; ")}`);
    }
    if (now - start > timeoutMs)
      assert.fail(`${label}: not reached in ${timeoutMs} ms: ${problems.join("; ")}`);
    await sleep(80);
  }
}

/** SPEC §3's table as expectations per mode (slots in SLOT_SOURCES order). */
export const NOBODY: Expectation = { customer: [null, null], agent: [null, null], coach: [null, null] };
export const LISTEN: Expectation = {
  customer: ["agent", null],
  agent: ["customer", null],
  coach: ["customer", "agent"],
};
export const WHISPER: Expectation = { ...LISTEN, agent: ["customer", "coach"] };
export const BARGE: Expectation = { ...WHISPER, customer: ["agent", "coach"] };
export const NO_COACH: Expectation = { ...LISTEN, coach: [null, null] };
