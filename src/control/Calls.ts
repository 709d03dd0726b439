// The phone system under the feature (SPEC §2): inbound calls ring a number's
// distribution and the first to answer gets them; outbound calls; the far end's and the
// timers' events. Every change to a call is a transition under its row lock
// (CallTransitions); the agent's actions are CallActions.
import type { Call, CallEndReason } from "../protocol/resources.ts";
import { CallActions } from "./CallActions.ts";
import { CallTransitions } from "./CallTransitions.ts";
import { CallViews, maySeeCall } from "./CallViews.ts";
import type { Coaching } from "./Coaching.ts";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import type { CallRecord, CustomerChannel, UserRecord } from "./model.ts";
import { canMonitor } from "./policy.ts";

export interface InboundCall {
  numberId: string;
  from: string;
  channel: CustomerChannel;
}

export class Calls {
  readonly views: CallViews;
  readonly transitions: CallTransitions;
  /** The agent's actions on a call. */
  readonly actions: CallActions;
  private readonly ringTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: ControlContext,
    private readonly coaching: Coaching,
  ) {
    this.views = new CallViews(ctx);
    this.transitions = new CallTransitions(ctx, coaching, this.views, (id) => this.clearRingTimeout(id));
    this.actions = new CallActions(ctx, this.transitions, this.views);
  }

  /** A customer calls a number: every available user of its distribution rings. */
  async inbound(input: InboundCall): Promise<CallRecord> {
    const { store } = this.ctx;
    const number = await store.getNumber(input.numberId);
    if (!number) fail("not_found", "No such number.");
    const candidates = await Promise.all(number.userIds.map((id) => store.getUser(id)));
    const ringing: string[] = [];
    for (const u of candidates) {
      if (u?.availability !== "available") continue;
      if (await store.liveCallOfAgent(u.id)) continue;
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
    this.ctx.media?.openCall(call.id, input.channel === "widget" ? "opus" : "pcmu");
    this.armRingTimeout(record);
    await this.views.publish(record, "call.created");
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
    this.ctx.media?.openCall(call.id, "pcmu");
    await this.views.publish(record, "call.created");
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

  async answer(viewer: UserRecord, callId: string): Promise<Call> {
    const applied = await this.transitions.run(
      callId,
      { type: "answer", agentId: viewer.id },
      async (call, tx) => {
        if (call.orgId !== viewer.orgId) fail("not_found", "No such call.");
        if (call.state !== "ringing" || call.direction !== "inbound") fail("already_answered");
        if (!call.ringingUserIds.includes(viewer.id)) fail("not_ringing_for_you");
        if (await tx.liveCallOfAgent(viewer.id)) fail("conflict", "You are already on a call.");
      },
    );
    return applied.dto;
  }

  /** The conference's third party answered (a trunk event; in a cluster, relayed here). */
  thirdPartyAnswered(callId: string): Promise<void> {
    return this.transitions.thirdPartyAnswered(callId);
  }

  /** The conference's third party hung up or could not be reached: the call goes on without them. */
  thirdPartyLeft(callId: string): Promise<void> {
    return this.transitions.thirdPartyLeft(callId);
  }

  /** The far end (customer, trunk or widget) hung up; nothing if the call has ended already. */
  async farEndHangup(callId: string): Promise<void> {
    await this.end(callId, "hangup_customer");
  }

  /**
   * A party's audio leg lost its path and was not restored by an ICE restart within the media
   * plane's reconnection grace period: a customer or agent without audio ends the call, a coach
   * without audio ends the session; both with "connection_lost". Only the node that carries the
   * call's media calls this (once per lost leg).
   */
  async legLost(callId: string, party: "customer" | "agent" | "coach"): Promise<void> {
    if (party === "coach") await this.coaching.endOfCall(callId, "connection_lost");
    else await this.end(callId, "connection_lost");
  }

  /**
   * Ends the calls carried by server processes that have stopped: their audio, ring timers and
   * phone-line dialogs lived there and are gone, so the calls would otherwise stay live for ever
   * (the agent busy, the coach's session open). `alive` tells which of the other nodes run; a
   * call with no node recorded counts as stopped only if `unknownStopped`. A single node calls
   * this once at start-up with nobody else alive; a cluster node, every few seconds.
   */
  async endCallsOfStoppedNodes(
    alive: (nodeIds: string[]) => Promise<Set<string>>,
    unknownStopped: boolean,
  ): Promise<number> {
    const self = this.ctx.nodeId;
    const unended = await this.ctx.store.listUnendedCalls();
    const others = [
      ...new Set(unended.map((c) => c.nodeId).filter((id): id is string => !!id && id !== self)),
    ];
    const running = others.length > 0 ? await alive(others) : new Set<string>();
    let ended = 0;
    for (const call of unended) {
      if (call.nodeId === self || (call.nodeId ? running.has(call.nodeId) : !unknownStopped)) continue;
      if (await this.end(call.id, "server_stopped")) ended++; // unless someone ended it meanwhile
    }
    return ended;
  }

  /** Ends the call with `reason` unless it has ended already (trunk events, timers, recovery). */
  async end(callId: string, reason: CallEndReason): Promise<boolean> {
    const applied = await this.transitions.runIf(
      callId,
      { type: "end", reason },
      { when: (c) => c.state !== "ended" },
    );
    return applied !== null;
  }

  async list(viewer: UserRecord, live: boolean): Promise<Call[]> {
    const calls = await this.ctx.store.listCalls(viewer.orgId, { live, limit: live ? 10_000 : 200 });
    const visible = canMonitor(viewer)
      ? calls
      : calls.filter((c) => c.agentId === viewer.id || c.ringingUserIds.includes(viewer.id));
    return this.views.present(visible, viewer);
  }

  async get(viewer: UserRecord, callId: string): Promise<Call> {
    return this.views.presentOne(await this.getForViewer(viewer, callId), viewer);
  }

  async getForViewer(viewer: UserRecord, callId: string): Promise<CallRecord> {
    const call = await this.ctx.store.getCall(callId);
    const session = call ? await this.ctx.store.activeSessionOfCall(callId) : undefined;
    if (!call || !maySeeCall(viewer, call, session?.coachId ?? null)) fail("not_found", "No such call.");
    return call;
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

  private armRingTimeout(call: CallRecord): void {
    const timer = setTimeout(() => {
      this.ringTimers.delete(call.id);
      void this.transitions
        .runIf(call.id, { type: "end", reason: "missed" }, { when: (c) => c.state === "ringing" })
        .catch(this.transitions.logged("ring timeout"));
    }, this.ctx.settings.ringTimeoutMs);
    timer.unref();
    this.ringTimers.set(call.id, timer);
  }

  private clearRingTimeout(callId: string): void {
    clearTimeout(this.ringTimers.get(callId));
    this.ringTimers.delete(callId);
  }

  close(): void {
    for (const t of this.ringTimers.values()) clearTimeout(t);
    this.ringTimers.clear();
  }
}
