// What only tests use, compiled in only by the test build (`npm run build:web:test`, Vite mode
// "test", which defines __EARSHOT_TEST_HOOKS__ as true; vite.config.ts). In the production build
// the constant is false and the minifier drops every hook below: no window.earshot* global, no
// AnalyserNode per slot. test/web/bundle.test.ts checks the production bundle for the names.
import type { AudioLeg } from "../../../src/media/leg.ts";

declare const __EARSHOT_TEST_HOOKS__: boolean;
export const TEST_HOOKS: boolean = __EARSHOT_TEST_HOOKS__;

interface HookWindow {
  /** The tab's live audio legs by role, for end-to-end tests' spectrum checks. */
  earshotLegs?: Record<string, AudioLeg>;
  /** How many coaching chimes the tab played. */
  earshotChimes?: number;
  /** What each chime announced, in order (the agent's banner: listen, whisper, barge, ended…). */
  earshotChimeLog?: string[];
  /** How many "a hand went up" chimes Live Monitoring played. */
  earshotHandChimes?: number;
}

/** Exposes (or, with null, withdraws) the tab's leg for `role`. */
export function exposeLeg(role: string, leg: AudioLeg | null): void {
  if (!TEST_HOOKS) return;
  const w = window as HookWindow;
  w.earshotLegs ??= {};
  if (leg) w.earshotLegs[role] = leg;
  else delete w.earshotLegs[role];
}

/** Records one chime and what it announced. */
export function countChime(what: string): void {
  if (!TEST_HOOKS) return;
  const w = window as HookWindow;
  w.earshotChimes = (w.earshotChimes ?? 0) + 1;
  w.earshotChimeLog = [...(w.earshotChimeLog ?? []), what];
}

/** Records a "a hand went up" chime on Live Monitoring (window.earshotHandChimes). */
export function countHandChime(): void {
  if (!TEST_HOOKS) return;
  const w = window as HookWindow;
  w.earshotHandChimes = (w.earshotHandChimes ?? 0) + 1;
}
