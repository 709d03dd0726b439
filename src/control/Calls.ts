// The phone system under the feature (SPEC §2): inbound calls ring a number's
// distribution and the first to answer gets them; agents act on their live calls; a
// call that becomes uncoachable ends its coaching session with the reason.
import type { Call } from "../protocol/resources.ts";
import { CallViews, maySeeCall } from "./CallViews.ts";
import type { Coaching } from "./Coaching.ts";
import { callTransition } from "./callMachine.ts";
import type { ControlContext } from "./context.ts";
import { fail } from "./errors.ts";
import type { CallRecord, CustomerChannel, UserRecord } from "./model.ts";
import { canMonitor } from "./policy.ts";
import { publishUserState } from "./userEvents.ts";

export interface InboundCall {
  numberId: string;
  from: string;
  channel: CustomerChannel;
}

export class Calls {
  readonly views: CallViews;
  private readonly ringTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: ControlContext,
    private readonly coaching: Coaching,
  ) {
    this.views = new CallViews(ctx);
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
    this.ctx.trunk.dial(record, () => void this.farEndAnswered(call.id).catch(() => {}));
    return record;
  }

  /** The far end of an outbound call answered. */
  async farEndAnswered(callId: string): Promise<void> {
    const call = await this.ctx.store.getCall(callId);
    if (call?.state !== "ringing") return;
    await this.update(call, { state: callTransition(call.state, "answer"), answeredAt: this.ctx.now() });
  }

  async answer(viewer: UserRecord, callId: string): Promise<Call> {
    const answered = await this.ctx.store.transaction(async (tx) => {
      const call = await tx.lockCall(callId);
      if (!call || call.orgId !== viewer.orgId) fail("not_found", "No such call.");
      if (call.state !== "ringing" || call.direction !== "inbound") fail("already_answered");
      if (!call.ringingUserIds.includes(viewer.id)) fail("not_ringing_for_you");
      if (await tx.liveCallOfAgent(viewer.id)) fail("conflict", "You are already on a call.");
      const patch = {
        state: callTransition(call.state, "answer"),
        agentId: viewer.id,
        ringingUserIds: [],
        answeredAt: this.ctx.now(),
      };
      await tx.updateCall(callId, patch);
      return { ...call, ...patch };
    });
    this.clearRingTimeout(callId);
    if (answered.customerChannel === "demo") this.ctx.media?.attachSynthetic(callId, "customer");
    this.ctx.trunk.answered(answered);
    this.coaching.applyRouting(answered, null);
    await this.publishAgent(viewer.id);
    return this.views.publish(answered, "call.updated");
  }

  async hold(viewer: UserRecord, callId: string, onHold: boolean): Promise<Call> {
    const call = await this.agentCall(viewer, callId);
    const state = callTransition(call.state, onHold ? "hold" : "resume");
    this.ctx.trunk.hold(call, onHold);
    return this.update(call, { state });
  }

  async mute(viewer: UserRecord, callId: string, muted: boolean): Promise<Call> {
    const call = await this.agentCall(viewer, callId);
    return this.update(call, { agentMuted: muted });
  }

  async transferToUser(viewer: UserRecord, callId: string, toUserId: string): Promise<Call> {
    const call = await this.agentCall(viewer, callId);
    const target = await this.ctx.store.getUser(toUserId);
    if (!target || target.orgId !== viewer.orgId) fail("not_found", "No such user.");
    if (target.id === viewer.id) fail("conflict", "The call is already yours.");
    if (target.availability !== "available" || (await this.ctx.store.liveCallOfAgent(target.id)))
      fail("user_unavailable");
    await this.coaching.endForCall(call, "transferred");
    this.ctx.media?.detach(callId, "agent", "transferred");
    const dto = await this.update(call, { agentId: target.id, agentMuted: false, handRaised: false });
    await this.publishAgent(viewer.id);
    await this.publishAgent(target.id);
    return dto;
  }

  async transferExternal(viewer: UserRecord, callId: string, to: string): Promise<Call> {
    const call = await this.agentCall(viewer, callId);
    await this.coaching.endForCall(call, "external_transfer");
    this.ctx.media?.detach(callId, "agent", "external_transfer");
    const dto = await this.update(call, { externalTransfer: true, transferredTo: to, handRaised: false });
    this.ctx.trunk.transferExternal({ ...call, externalTransfer: true, transferredTo: to }, to);
    await this.publishAgent(viewer.id);
    return dto;
  }

  /** Adds a third party: the call becomes a conference. */
  async addParticipant(viewer: UserRecord, callId: string, number: string): Promise<Call> {
    const call = await this.agentCall(viewer, callId);
    if (call.conference) fail("conflict", "This call already has a third party.");
    await this.coaching.endForCall(call, "conference");
    // The coach's position is the third party's from now on: a standby coach leg (a Coach
    // dialog left open) must not hear the conference.
    this.ctx.media?.detach(call.id, "coach", "conference");
    const dto = await this.update(call, { conference: true, thirdParty: number });
    // The trunk calls the number; once it answers, the routing lets everyone hear everyone.
    this.ctx.trunk.addParty({ ...call, conference: true, thirdParty: number }, number, {
      answered: () => void this.thirdPartyAnswered(callId).catch(() => {}),
      left: () => void this.thirdPartyLeft(callId).catch(() => {}),
    });
    return dto;
  }

  /** The conference's third party answered: the routing lets everyone hear everyone. */
  async thirdPartyAnswered(callId: string): Promise<void> {
    const call = await this.ctx.store.getCall(callId);
    if (call && call.state !== "ended") this.coaching.applyRouting(call, null);
  }

  /** The conference's third party hung up (or never answered): the call goes on without them. */
  async thirdPartyLeft(callId: string): Promise<void> {
    const call = await this.ctx.store.getCall(callId);
    if (!call || call.state === "ended" || call.thirdParty === null) return;
    await this.update(call, { thirdParty: null });
  }

  async hangup(viewer: UserRecord, callId: string): Promise<Call> {
    const call = await this.getForViewer(viewer, callId);
    const isAgent = call.agentId === viewer.id;
    if (!isAgent && viewer.role !== "admin")
      fail("forbidden", "Only the call's agent or an admin can hang up.");
    if (!isAgent && call.state === "ringing") fail("forbidden", "Only the caller can cancel a ringing call.");
    return this.end(call, "hangup_agent");
  }

  /** The far end (customer, trunk or widget) hung up. */
  async farEndHangup(callId: string): Promise<void> {
    const call = await this.ctx.store.getCall(callId);
    if (call && call.state !== "ended") await this.end(call, "hangup_customer");
  }

  /**
   * A party's audio leg lost its path and was not restored by an ICE restart within the media
   * plane's reconnection grace period: a customer or agent without audio ends the call, a coach
   * without audio ends the session; both with "connection_lost". Only the node that carries the
   * call's media calls this (once per lost leg).
   */
  async legLost(callId: string, party: "customer" | "agent" | "coach"): Promise<void> {
    const call = await this.ctx.store.getCall(callId);
    if (!call || call.state === "ended") return;
    if (party === "coach") await this.coaching.endForCall(call, "connection_lost");
    else await this.end(call, "connection_lost");
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
      const current = await this.ctx.store.getCall(call.id); // someone may have ended it meanwhile
      if (!current || current.state === "ended") continue;
      await this.end(current, "server_stopped");
      ended++;
    }
    return ended;
  }

  async end(call: CallRecord, reason: string): Promise<Call> {
    const state = callTransition(call.state, "end");
    // Release every far end still connected (a party that hung up is already gone from the trunk).
    this.ctx.trunk.hangup(call);
    this.clearRingTimeout(call.id);
    await this.coaching.endForCall(call, "call_ended");
    const ended: CallRecord = {
      ...call,
      state,
      endedAt: this.ctx.now(),
      endReason: reason,
      ringingUserIds: [],
      handRaised: false,
    };
    await this.ctx.store.updateCall(call.id, {
      state,
      endedAt: ended.endedAt,
      endReason: reason,
      ringingUserIds: [],
      handRaised: false,
    });
    this.ctx.media?.closeCall(call.id, reason);
    const dto = await this.views.publish(ended, "call.ended");
    if (call.agentId) await this.publishAgent(call.agentId);
    return dto;
  }

  async addTag(viewer: UserRecord, callId: string, tag: string): Promise<Call> {
    const call = await this.getForViewer(viewer, callId);
    this.mayAnnotate(viewer, call);
    if (call.tags.includes(tag)) return this.views.presentOne(call, viewer);
    return this.update(call, { tags: [...call.tags, tag] });
  }

  async addComment(viewer: UserRecord, callId: string, text: string): Promise<Call> {
    const call = await this.getForViewer(viewer, callId);
    this.mayAnnotate(viewer, call);
    await this.ctx.store.insertComment({ id: this.ctx.newId(), callId, authorId: viewer.id, text });
    return this.views.publish(call, "call.updated");
  }

  /** Raise hand (SPEC §5): the agent asks for help; supervisors who may coach see it at once. */
  async raiseHand(viewer: UserRecord, callId: string, raised: boolean): Promise<Call> {
    const call = await this.agentCall(viewer, callId);
    if (call.handRaised === raised) return this.views.presentOne(call, viewer);
    const dto = await this.update(call, { handRaised: raised });
    const session = await this.ctx.store.activeSessionOfCall(callId);
    this.ctx.bus.publish({
      audience: {
        orgId: call.orgId,
        monitors: true,
        userIds: [viewer.id, ...(session ? [session.coachId] : [])],
      },
      event: { type: raised ? "hand.raised" : "hand.lowered", call: dto },
    });
    return dto;
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

  /** The viewer's own live call (agent actions). */
  private async agentCall(viewer: UserRecord, callId: string): Promise<CallRecord> {
    const call = await this.getForViewer(viewer, callId);
    if (call.agentId !== viewer.id) fail("forbidden", "Only the call's agent can do this.");
    if (call.state === "ended") fail("invalid_transition", "The call has ended.");
    if (call.externalTransfer) fail("invalid_transition", "The call was transferred to an external number.");
    if (call.state === "ringing") fail("invalid_transition", "The call is not connected yet.");
    return call;
  }

  private mayAnnotate(viewer: UserRecord, call: CallRecord): void {
    if (call.agentId !== viewer.id && !canMonitor(viewer))
      fail("forbidden", "Only the call's agent or a supervisor can do this.");
  }

  private async update(call: CallRecord, patch: Partial<CallRecord>): Promise<Call> {
    await this.ctx.store.updateCall(call.id, patch);
    const updated = { ...call, ...patch };
    const session = await this.ctx.store.activeSessionOfCall(call.id);
    this.coaching.applyRouting(updated, session ?? null);
    return this.views.publish(updated, "call.updated");
  }

  private async publishAgent(userId: string): Promise<void> {
    await publishUserState(this.ctx, userId);
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
      void this.ctx.store
        .getCall(call.id)
        .then((c) => (c?.state === "ringing" ? this.end(c, "missed") : undefined))
        .catch(() => {});
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
