// The fixed receive slots of a leg, which the server's routing fills and the web app reads
// (the coach panel's level meters name what each slot carries). control/routing.ts decides
// what plays in them; this says only which party a slot belongs to.

export type Party = "customer" | "agent" | "coach";

/**
 * Each listener has two fixed receive slots, so a mode change never renegotiates:
 * the customer's slots carry [agent | hold music, coach], the agent's [customer, coach],
 * the coach's [customer, agent]. In a conference (never coached, SPEC §3) the third party
 * takes the coach's position: everyone hears the two others, as in barge.
 */
export const SLOT_SOURCES: Readonly<Record<Party, readonly [Party, Party]>> = {
  customer: ["agent", "coach"],
  agent: ["customer", "coach"],
  coach: ["customer", "agent"],
};
