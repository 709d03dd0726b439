// What the forwarding switch accepts from the control plane: a known party, and a routing
// that puts in each slot only the source that slot may carry (fail closed on anything else).
import { type Party, type Routing, SLOT_SOURCES, type Source } from "../control/routing.ts";
import { MediaError } from "./MediaTypes.ts";

export const PARTIES: readonly Party[] = ["customer", "agent", "coach"];

export function checkParty(party: unknown): Party {
  if (!PARTIES.includes(party as Party)) {
    throw new MediaError("bad_request", "invalid_argument", `Unknown party: ${String(party)}`);
  }
  return party as Party;
}

/** A routing may only put in slot i of listener P the source SLOT_SOURCES[P][i] (or hold music in the customer's slot 0). */
export function checkRouting(routing: Routing): Routing {
  const copy = {} as Record<Party, readonly [Source | null, Source | null]>;
  for (const party of PARTIES) {
    const slots = routing?.[party];
    if (!Array.isArray(slots) || slots.length !== 2) {
      throw new MediaError(
        "bad_request",
        "invalid_argument",
        `Routing for the ${party} must have two slots.`,
      );
    }
    for (const slot of [0, 1] as const) {
      const source = slots[slot];
      const allowed =
        source === null ||
        source === SLOT_SOURCES[party][slot] ||
        (party === "customer" && slot === 0 && source === "hold_music");
      if (!allowed) {
        throw new MediaError(
          "bad_request",
          "invalid_argument",
          `Slot ${slot} of the ${party} cannot carry ${String(source)}.`,
        );
      }
    }
    copy[party] = [slots[0], slots[1]];
  }
  return copy;
}
