// Facts about a call that the server and the web app both read, each defined once here.
import type { CallState, CustomerChannel } from "./resources.ts";

/** The states of a live call (SPEC §2: connected, on hold or not). Ringing and ended calls are not live. */
export const LIVE_STATES: readonly CallState[] = ["in_progress", "on_hold"];

export function isLive(state: CallState): boolean {
  return LIVE_STATES.includes(state);
}

/**
 * A number's maximum wait (PhoneNumber.maxWaitS), seconds: the default for a new number and
 * the range an admin may set (migration 007 writes the same default and range into SQL).
 */
export const MAX_WAIT_S = { default: 300, min: 10, max: 3600 } as const;

export type CallCodec = "opus" | "pcmu";

/**
 * The codec of a call, from its customer's channel: Opus for a browser (the widget), PCMU for
 * the demo network and the SIP trunk. Every leg of the call uses it; nothing transcodes.
 */
export function callCodec(channel: CustomerChannel): CallCodec {
  return channel === "widget" ? "opus" : "pcmu";
}

/** A coaching note's length, in characters (the API refuses a longer one; the form stops there). */
export const COACHING_NOTE_MAX = 2000;

/** The call history's page size (GET /calls `limit`). */
export const HISTORY_PAGE = { default: 25, max: 100 } as const;
