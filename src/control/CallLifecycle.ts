// A call's beginning (SPEC §2): inbound calls ring a number's distribution and the first to
// answer gets them (unanswered, they are missed when their ring timer expires); outbound calls
// ring the far end until it answers. What follows is transitions (CallTransitions).
import { callCodec } from "../protocol/calls.ts";
import type { Call } from "../protocol/resources.ts";
import { inWrapUp } from "./agentState.ts";
import type { CallTransitions } from "./CallTransitions.ts";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import { callActionRefusal, refuseIf } from "./grants.ts";
import type { CallRecord, CustomerChannel, UserRecord } from "./model.ts";
import type { Publisher } from "./publisher.ts";
import type { RingTimers } from "./RingTimers.ts";

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
    private readonly ringTimers: RingTimers,
  ) {}

  /** A customer calls a number: every available user of its distribution rings. */
  async inbound(input: InboundCall): Promise<CallRecord> {
    const { store } = this.ctx;
    const number = await store.getNumber(input.numberId);
    if (!number) fail("not_found", "No such number.");
    const candidates = await Promise.all(number.userIds.map((id) => store.getUser(id)));
    const activity = await store.agentActivity(number.userIds);
    const now = this.ctx.now();
    const ringing: string[] = [];
    for (const u of candidates) {
      if (u?.availability !== "available") continue;
      if (await store.liveCallOfAgent(u.id)) continue;
      // An agent in wrap-up after a call is not offered another (agentState.ts).
      const lastEnded = activity.find((a) => a.userId === u.id)?.lastCallEndedAt ?? null;
      if (inWrapUp(lastEnded, now, this.ctx.settings.wrapUpMs ?? 0)) continue;
      ringing.push(u.id);
    }
    if (ringing.length === 0) fail("no_available_user");
    const contact = await store.findContactByPhone(number.orgId, input.from);
    const call = this.newCall(number.orgId, {
      direction: "inbound",
      numberId: number.id,
      customerNumber: input.from,
      contactId: contact?.id ?? null,
      ringingUserIds: ringing,
      customerChannel: input.channel,
    });
    // The cap holds across nodes: new calls to one number are counted under its row lock.
    await store.transaction(async (tx) => {
      await tx.lockNumber(number.id);
      if ((await tx.countRingingCalls(number.orgId, number.id)) >= this.ctx.settings.maxRingingPerNumber)
        fail("number_busy");
      await tx.insertCall(call);
    });
    const record = (await store.getCall(call.id)) as CallRecord;
    this.ctx.media?.openCall(call.id, callCodec(input.channel));
    this.ringTimers.arm(call.id, () => {
      void this.transitions
        .runIf(call.id, { type: "end", reason: "missed" }, { when: (c) => c.state === "ringing" })
        .catch(this.transitions.logged("ring timeout"));
    });
    await this.publisher.callCreated(record);
    return record;
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
    const call: Omit<CallRecord, "createdAt"> = {
      id: this.ctx.newId(),
      orgId,
      state: "ringing",
      agentId: null,
      ringingUserIds: [],
      contactId: null,
      emergency: false,
      conference: false,
      externalTransfer: false,
      transferredTo: null,
      agentMuted: false,
      customerChannel: "demo",
      tags: [],
      handRaised: false,
      answeredAt: null,
      endedAt: null,
      endReason: null,
      nodeId: this.ctx.nodeId,
      thirdParty: null,
      ...p,
    };
    return call;
  }
}
