// Raw values the views show, as words in the user's language (keys in i18n.coaching.ts).

import type { Call } from "../../../../src/protocol/resources.ts";
import { coachingEn } from "./i18n.coaching.ts";
import type { Key, T } from "./i18n.en.ts";

/**
 * A media leg's state (useAudioLeg: idle, an RTCPeerConnectionState, or "failed: why") in
 * words; a failure keeps its detail after the sentence, translated when it is an error code.
 */
export function audioText(t: T, te: (error: unknown) => string, state: string): string {
  const [base, ...detail] = state.split(": ");
  const key = `audio_${base}`;
  if (!(key in coachingEn)) return state;
  return detail.length ? `${t(key as Key)} (${te(detail.join(": "))})` : t(key as Key);
}

/** How the customer of `call` is named: the contact, else the web caller or their number. */
export function customerLabel(
  t: T,
  call: Pick<Call, "contactName" | "customerChannel" | "customerNumber">,
): string {
  return call.contactName || (call.customerChannel === "widget" ? t("webCaller") : call.customerNumber);
}
