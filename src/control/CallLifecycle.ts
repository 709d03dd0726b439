// A call's beginning (SPEC §2): inbound calls enter their number's queue, which rings free
// agents of its distribution (the first to answer gets the call; Queue.ts); outbound calls
// ring the far end until it answers. What follows is transitions (CallTransitions).
import { callCodec } from "../protocol/calls.ts";
import type { Call } from "../protocol/resources.ts";
import type { CallAudio } from "./CallAudio.ts";
import type { CallTransitions } from "./CallTransitions.ts";
import { newCallRecord } from "./callRecord.ts";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import { callActionRefusal, refuseIf } from "./grants.ts";
import type { CallRecord, CustomerChannel, UserRecord } from "./model.ts";
import type { Publisher } from "./publisher.ts";
import type { Queue } from "./Queue.ts";

export interface InboundCall {
  numberId: string;
  from: string;
  channel: CustomerChannel;
}

export class CallLifecycle {
  constructor(
    private readonly ctx: ControlContext,
    private readonly transitions: CallTransitions,
    private readonly publisher: Publisher,
    private readonly audio: CallAudio,
    private readonly queue: Queue,
  ) {}

  /**
   * A customer calls a number: the call enters the number's queue (the customer hears hold
   * music) and the queue offers it at once, to every free agent when nobody waits before it.
   */
  async inbound(input: InboundCall): Promise<CallRecord> {
    const { store } = this.ctx;
    const number = await store.getNumber(input.numberId);
    if (!number) fail("not_found", "No such number.");
    const contact = await store.findContactByPhone(number.orgId, input.from);
    const call = this.newCall(number.orgId, {
      direction: "inbound",
      numberId: number.id,
      customerNumber: input.from,
      contactId: contact?.id ?? null,
      customerChannel: input.channel,
      queuedAt: this.ctx.now(),
    });
    // The cap on ringing and waiting calls holds across nodes: counted under the number's row lock.
    await store.transaction(async (tx) => {
      await tx.lockNumber(number.id);
      if ((await tx.countRingingCalls(number.orgId, number.id)) >= this.ctx.settings.maxRingingPerNumber)
        fail("number_busy");
      await tx.insertCall(call);
    });
    const record = (await store.getCall(call.id)) as CallRecord;
    this.ctx.media?.openCall(call.id, callCodec(input.channel));
    this.audio.route(record, null);
    await this.publisher.callCreated(record);
    await this.queue.entered(record, number.maxWaitS);
    return (await store.getCall(call.id)) as CallRecord;
  }

  /** A user calls an external number from one of their numbers. */
  async outbound(viewer: UserRecord, numberId: string, to: string): Promise<CallRecord> {
    const { store, settings } = this.ctx;
    const number = await store.getNumber(numberId);
    if (!number || number.orgId !== viewer.orgId) fail("not_found", "No such number.");
    if (!number.userIds.includes(viewer.id) && viewer.role !== "admin") {
      fail("forbidden", "You can only call from numbers of your line distribution.");
    }
    if (await store.liveCallOfAgent(viewer.id)) fail("conflict", "You are already on a call.");
    if (await store.activeSessionOfCoach(viewer.id))
      fail("conflict", "You cannot place a call while coaching.");
    const contact = await store.findContactByPhone(viewer.orgId, to);
    const call = this.newCall(viewer.orgId, {
      direction: "outbound",
      numberId,
      agentId: viewer.id,
      customerNumber: to,
      contactId: contact?.id ?? null,
      emergency: settings.emergencyNumbers.includes(to.replace(/[\s-]/g, "")),
      customerChannel: this.ctx.trunk.channel,
    });
    await store.insertCall(call);
    const record = (await store.getCall(call.id)) as CallRecord;
    this.ctx.media?.openCall(call.id, callCodec(record.customerChannel));
    await this.publisher.callCreated(record);
    this.ctx.trunk.dial(
      record,
      () => void this.farEndAnswered(call.id).catch(this.transitions.logged("far end answered")),
    );
    return record;
  }

  /** The far end of an outbound call answered. */
  async farEndAnswered(callId: string): Promise<void> {
    await this.transitions.runIf(
      callId,
      { type: "answer", agentId: null },
      { when: (c) => c.state === "ringing" },
    );
  }

  /** A user it rings answers an inbound call: the first one gets it. */
  async answer(viewer: UserRecord, callId: string): Promise<Call> {
    const applied = await this.transitions.run(
      callId,
      { type: "answer", agentId: viewer.id },
      async (call, tx) => {
        if (call.orgId !== viewer.orgId) fail("not_found", "No such call.");
        const liveCallId = (await tx.liveCallOfAgent(viewer.id))?.id ?? null;
        refuseIf(callActionRefusal({ ...viewer, liveCallId }, call, "answer"));
      },
    );
    return applied.dto;
  }

  private newCall(
    orgId: string,
    p: Partial<CallRecord> & Pick<CallRecord, "direction" | "numberId" | "customerNumber">,
  ) {
    return newCallRecord({ id: this.ctx.newId(), orgId, nodeId: this.ctx.nodeId, ...p });
  }
}
