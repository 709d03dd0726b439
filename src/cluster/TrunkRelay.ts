// The phone line of a cluster's calls (REDIS_URL set): a trunk call's SIP dialog lives in the
// process that carries the call (`CallRecord.nodeId`), but the agent's answer, hold, transfer,
// third party or hang-up may reach any node. What this node's trunk is asked about a call that
// another node carries is sent to that node (a NodeLink request), which runs it on its own
// trunk and replies once it has; the trunk's reports (answered, third party answered or left)
// then run in the control plane of that node, which reads and writes the same database. Calls
// this node carries, and calls with no node recorded, stay here.
import { type Static, Type } from "@sinclair/typebox";
import type { Trunk, TrunkCalls } from "../control/mediaPorts.ts";
import type { CallRecord } from "../control/model.ts";
import type { Logger } from "../control/ports.ts";
import { NodeLink } from "./NodeLink.ts";
import { RedisChannels } from "./redis.ts";

const PREFIX = "earshot:trunk:node";

// Trunks read a call's ids, numbers and flags, never its dates, so the record travels as JSON;
// the schema checks what a trunk reads and lets the rest through.
const Call = Type.Object({
  id: Type.String({ minLength: 1 }),
  nodeId: Type.Union([Type.String(), Type.Null()]),
  direction: Type.String(),
  customerChannel: Type.String(),
  customerNumber: Type.String(),
});
const TrunkCommand = Type.Union([
  Type.Object({ op: Type.Literal("dial"), call: Call }),
  Type.Object({ op: Type.Literal("answered"), call: Call }),
  Type.Object({ op: Type.Literal("transferExternal"), call: Call, to: Type.String() }),
  Type.Object({ op: Type.Literal("addParty"), call: Call, number: Type.String() }),
  Type.Object({ op: Type.Literal("dropParty"), call: Call }),
  Type.Object({ op: Type.Literal("hangup"), call: Call }),
  Type.Object({ op: Type.Literal("hold"), call: Call, onHold: Type.Boolean() }),
]);
type TrunkCommand = Static<typeof TrunkCommand>;
const Done = Type.Null();

export class TrunkRelay implements Trunk {
  readonly channel: Trunk["channel"];
  readonly #link: NodeLink<typeof TrunkCommand, typeof Done>;
  #calls: TrunkCalls | null = null;

  private constructor(
    private readonly local: Trunk,
    private readonly nodeId: string,
    private readonly channels: RedisChannels,
    private readonly log: Logger,
  ) {
    this.channel = local.channel;
    this.#link = new NodeLink({
      nodeId,
      what: "trunk relay",
      channelOf: (id) => `${PREFIX}:${id}`,
      publish: (channel, message) => channels.publish(channel, message),
      message: TrunkCommand,
      reply: Done,
      handle: async (command) => {
        this.#runHere(command);
        return null;
      },
      timeoutMs: 5000,
      noAnswer: "the call's trunk node did not answer; it may have stopped",
      log,
    });
  }

  static async connect(url: string, local: Trunk, nodeId: string, log: Logger): Promise<TrunkRelay> {
    let relay: TrunkRelay | undefined;
    const channels = await RedisChannels.connect(
      url,
      [`${PREFIX}:${nodeId}`],
      (_channel, raw) => relay?.receive(raw),
      log,
    );
    relay = new TrunkRelay(local, nodeId, channels, log);
    return relay;
  }

  /** A message on this node's channel. */
  private receive(raw: string): void {
    this.#link.receive(raw);
  }

  serve(calls: TrunkCalls): void {
    this.#calls = calls;
    this.local.serve(calls);
  }

  dial(call: CallRecord, answered: () => void): void {
    if (this.#here(call)) this.local.dial(call, answered);
    else this.#send({ op: "dial", call });
  }

  answered(call: CallRecord): void {
    if (this.#here(call)) this.local.answered(call);
    else this.#send({ op: "answered", call });
  }

  transferExternal(call: CallRecord, to: string): void {
    if (this.#here(call)) this.local.transferExternal(call, to);
    else this.#send({ op: "transferExternal", call, to });
  }

  addParty(call: CallRecord, number: string, events: { answered(): void; left(): void }): void {
    if (this.#here(call)) this.local.addParty(call, number, events);
    else this.#send({ op: "addParty", call, number });
  }

  dropParty(call: CallRecord): void {
    if (this.#here(call)) this.local.dropParty(call);
    else this.#send({ op: "dropParty", call });
  }

  hangup(call: CallRecord): void {
    if (this.#here(call)) this.local.hangup(call);
    else this.#send({ op: "hangup", call });
  }

  hold(call: CallRecord, onHold: boolean): void {
    if (this.#here(call)) this.local.hold(call, onHold);
    else this.#send({ op: "hold", call, onHold });
  }

  async close(): Promise<void> {
    this.#link.close();
    this.channels.close();
    await this.local.close();
  }

  #here(call: CallRecord): boolean {
    return !call.nodeId || call.nodeId === this.nodeId;
  }

  /** Asks the carrying node; a refusal or no answer is logged (nothing waits for a trunk). */
  #send(command: TrunkCommand): void {
    const { op, call } = command;
    this.#link.request(call.nodeId as string, command).catch((err: Error) => {
      this.log.warn({ callId: call.id, op, node: call.nodeId, error: err.message }, "trunk relay: not done");
    });
  }

  /** A command for a call this node carries, run on its own trunk. */
  #runHere(c: TrunkCommand): void {
    const calls = this.#calls;
    if (!calls) throw new Error("the trunk is not serving the control plane yet");
    const call = c.call as CallRecord;
    const id = call.id;
    switch (c.op) {
      case "dial":
        this.local.dial(call, () => calls.farEndAnswered(id));
        break;
      case "answered":
        this.local.answered(call);
        break;
      case "transferExternal":
        this.local.transferExternal(call, c.to);
        break;
      case "addParty":
        this.local.addParty(call, c.number, {
          answered: () => calls.thirdPartyAnswered(id),
          left: () => calls.thirdPartyLeft(id),
        });
        break;
      case "dropParty":
        this.local.dropParty(call);
        break;
      case "hangup":
        this.local.hangup(call);
        break;
      case "hold":
        this.local.hold(call, c.onHold);
        break;
    }
  }
}
