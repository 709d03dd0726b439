// The control plane as a trunk sees it (the TrunkCalls port): a call arriving on a DID rings
// that number; what the far ends do runs the call's transitions. Nothing waits for a report,
// so a failed one is logged here with the call's id.
import type { ControlContext } from "./context.ts";
import type { TrunkCalls } from "./mediaPorts.ts";
import type { CallRecord, CustomerChannel } from "./model.ts";

/** What of Calls the trunk reaches. */
export interface CallsForTrunk {
  inbound(input: { numberId: string; from: string; channel: CustomerChannel }): Promise<CallRecord>;
  farEndHangup(callId: string): Promise<void>;
  farEndAnswered(callId: string): Promise<void>;
  thirdPartyAnswered(callId: string): Promise<void>;
  thirdPartyLeft(callId: string): Promise<void>;
}

export function trunkCalls(ctx: ControlContext, calls: CallsForTrunk): TrunkCalls {
  const report = (what: string, run: (callId: string) => Promise<void>) => (callId: string) => {
    run(callId).catch((err: unknown) => ctx.log.error({ err, callId }, `${what}: failed`));
  };
  return {
    async numberOfDid(did) {
      const number =
        (await ctx.store.getNumberByE164(did)) ??
        (await ctx.store.getNumberByE164(`+${did.replace(/^\+/, "")}`));
      return number?.id ?? null;
    },
    inbound: (numberId, from) => calls.inbound({ numberId, from, channel: ctx.trunk.channel }),
    farEndHangup: report("far-end hang-up", (id) => calls.farEndHangup(id)),
    farEndAnswered: report("far end answered", (id) => calls.farEndAnswered(id)),
    thirdPartyAnswered: report("third party answered", (id) => calls.thirdPartyAnswered(id)),
    thirdPartyLeft: report("third party left", (id) => calls.thirdPartyLeft(id)),
  };
}
