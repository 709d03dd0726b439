// The grants of a viewer, as data (resources.ts re-exports them): what they may do on a call and
// anywhere, each with the refusal's code and sentence. Computed by control/grants.ts.
import type { TransferGrants } from "./transfers.ts";

/**
 * One thing a viewer may or may not do, and if not why: `code` is a code of protocol/errors.ts
 * and `message` its sentence (LiveKit's grants, as data). The server computes it with the same
 * function that refuses the request (control/grants.ts); clients only render it.
 */
export interface Grant {
  allowed: boolean;
  code: string | null;
  message: string | null;
}

/** A transfer's or third party's grant: does it end a coaching session the viewer knows of (grants.ts)? */
export type SessionEndingGrant = Grant & { endsCoaching: boolean };

/** What the viewer may do on one call: coaching (SPEC §3) and each call action (SPEC §2). */
export interface CallGrants extends TransferGrants<Grant> {
  /** Start coaching this call (the supervision policy). */
  coach: Grant;
  /** Switch a coaching session to barge (Live Monitoring+). */
  barge: Grant;
  /** "Open the target conversation": coaches in the number's line distribution. */
  openConversation: Grant;
  answer: Grant;
  hold: Grant;
  resume: Grant;
  mute: Grant;
  unmute: Grant;
  transfer: SessionEndingGrant;
  addParty: SessionEndingGrant;
  raiseHand: Grant;
  hangUp: Grant;
  tag: Grant;
  comment: Grant;
  /** Leave a coaching note on the call's coaching sessions (supervisors and admins, once the call ended). */
  coachingNote: Grant;
}

/** What a user may do anywhere (not per call): the pages and panels they are offered. */
export interface UserGrants {
  /** See Live Monitoring (calls and users, coaching). */
  monitor: Grant;
  /** The admin pages. */
  administer: Grant;
}
