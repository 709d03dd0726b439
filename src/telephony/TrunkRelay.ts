// The phone line of a cluster's calls (REDIS_URL set): a trunk call's SIP dialog lives in the
// process that carries the call (`CallRecord.nodeId`), but the agent's answer, hold, transfer,
// third party or hang-up may reach any node. What this node's trunk is asked about a call that
// another node carries is sent to that node over Redis pub/sub, which runs it on its own trunk;
// the trunk's callbacks (answered, third party answered or left) then run in the control plane
// of that node, which reads and writes the same database. Calls this node carries, and calls
// with no node recorded, stay here.
import type { CallRecord } from "../control/model.ts";
import type { Trunk } from "../control/ports.ts";
import { RedisChannels } from "../events/redis.ts";

const PREFIX = "earshot:trunk:node";

/** The control plane's entry points for what a trunk reports about a call. */
export interface TrunkCallbacks {
  farEndAnswered(callId: string): void;
  thirdPartyAnswered(callId: string): void;
  thirdPartyLeft(callId: string): void;
}

// Trunks read a call's ids, numbers and flags, never its dates, so the record travels as JSON.
type Command =
  | { op: "dial"; call: CallRecord }
  | { op: "answered"; call: CallRecord }
  | { op: "transferExternal"; call: CallRecord; to: string }
  | { op: "addParty"; call: CallRecord; number: string }
  | { op: "hangup"; call: CallRecord }
  | { op: "hold"; call: CallRecord; onHold: boolean };

export class TrunkRelay implements Trunk {
  readonly channel: Trunk["channel"];

  private constructor(
    private readonly local: Trunk,
    private readonly nodeId: string,
    private readonly channels: RedisChannels,
  ) {
    this.channel = local.channel;
  }

  static async connect(
    url: string,
    local: Trunk,
    nodeId: string,
    callbacks: TrunkCallbacks,
  ): Promise<TrunkRelay> {
    const channels = await RedisChannels.connect(url, [`${PREFIX}:${nodeId}`], (_channel, command) => {
      try {
        run(local, callbacks, command as Command);
      } catch {
        // a malformed or failing command never takes the node down
      }
    });
    return new TrunkRelay(local, nodeId, channels);
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

  hangup(call: CallRecord): void {
    if (this.#here(call)) this.local.hangup(call);
    else this.#send({ op: "hangup", call });
  }

  hold(call: CallRecord, onHold: boolean): void {
    if (this.#here(call)) this.local.hold(call, onHold);
    else this.#send({ op: "hold", call, onHold });
  }

  async close(): Promise<void> {
    this.channels.close();
    await this.local.close();
  }

  #here(call: CallRecord): boolean {
    return !call.nodeId || call.nodeId === this.nodeId;
  }

  #send(command: Command): void {
    this.channels.publish(`${PREFIX}:${command.call.nodeId}`, command);
  }
}

/** A command for a call this node carries, run on its own trunk. */
function run(local: Trunk, callbacks: TrunkCallbacks, c: Command): void {
  const id = c.call.id;
  switch (c.op) {
    case "dial":
      local.dial(c.call, () => callbacks.farEndAnswered(id));
      break;
    case "answered":
      local.answered(c.call);
      break;
    case "transferExternal":
      local.transferExternal(c.call, c.to);
      break;
    case "addParty":
      local.addParty(c.call, c.number, {
        answered: () => callbacks.thirdPartyAnswered(id),
        left: () => callbacks.thirdPartyLeft(id),
      });
      break;
    case "hangup":
      local.hangup(c.call);
      break;
    case "hold":
      local.hold(c.call, c.onHold);
      break;
  }
}
