// What the agent (and, for some, an admin or a supervisor) does on a call (SPEC §2): hold,
// mute, transfer, conference, hang up, raise hand (notes are CallNotes; a transfer to a user
// rings them: Transfers.ts). Each is one transition
// under the call's row lock; who may act is checked on the locked row.
import { isDiallable } from "../protocol/phoneNumbers.ts";
import type { Call } from "../protocol/resources.ts";
import type { CallTransitions } from "./CallTransitions.ts";
import { assertVisible } from "./CallViews.ts";
import type { CallAction } from "./callMachine.ts";
import { fail } from "./errors.ts";
import { asViewer, type CallActionKind, callActionRefusal, refuseIf } from "./grants.ts";
import type { UserRecord } from "./model.ts";
import { callSeenBy } from "./presenter.ts";
import type { TransitionGuard } from "./transition.ts";

export class CallActions {
  constructor(
    private readonly transitions: CallTransitions,
    private readonly settings: { emergencyNumbers: readonly string[] },
  ) {}

  hold(viewer: UserRecord, callId: string, onHold: boolean): Promise<Call> {
    return this.act(viewer, callId, onHold ? "hold" : "resume", { type: onHold ? "hold" : "resume" });
  }

  mute(viewer: UserRecord, callId: string, muted: boolean): Promise<Call> {
    return this.act(viewer, callId, muted ? "mute" : "unmute", { type: "mute", muted });
  }

  transferExternal(viewer: UserRecord, callId: string, to: string): Promise<Call> {
    return this.act(viewer, callId, "transfer", { type: "transfer_external", to }, this.diallable(to));
  }

  /** Adds a third party: the call becomes a conference. */
  addParticipant(viewer: UserRecord, callId: string, number: string): Promise<Call> {
    return this.act(viewer, callId, "addParty", { type: "add_party", number }, this.diallable(number));
  }

  /** Raise hand (SPEC §5): the agent asks for help; supervisors who may coach see it at once. */
  async raiseHand(viewer: UserRecord, callId: string, raised: boolean): Promise<Call> {
    return this.act(viewer, callId, "raiseHand", { type: "hand", raised });
  }

  hangup(viewer: UserRecord, callId: string): Promise<Call> {
    return this.act(viewer, callId, "hangUp", { type: "end", reason: "hangup_agent" });
  }

  /** Refuses a number that is neither E.164 nor an emergency number (protocol/phoneNumbers.ts). */
  private diallable(number: string): TransitionGuard {
    return () => {
      if (!isDiallable(number, this.settings.emergencyNumbers)) fail("invalid_phone_number");
    };
  }

  private act(
    viewer: UserRecord,
    callId: string,
    kind: CallActionKind,
    action: CallAction,
    more?: TransitionGuard,
  ): Promise<Call> {
    return actOn(this.transitions, viewer, callId, kind, action, more);
  }
}

/**
 * A viewer's call action: `action` on the locked row, refused there by the rule its grant `kind`
 * shows (the same function that computes the grant), then by `more`; the call as the viewer sees it.
 * Every agent action runs through here (CallActions, Transfers).
 */
export async function actOn(
  transitions: CallTransitions,
  viewer: UserRecord,
  callId: string,
  kind: CallActionKind,
  action: CallAction,
  more?: TransitionGuard,
): Promise<Call> {
  const applied = await transitions.run(callId, action, async (call, tx) => {
    await assertVisible(viewer, call, tx);
    refuseIf(callActionRefusal(asViewer(viewer), call, kind));
    await more?.(call, tx);
  });
  return callSeenBy(applied.dto, viewer.id);
}
