// The simulated parties' process (test/support/mediaClient.ts) as the media benches talk to it:
// its offers go to `onOffer`, and `next(type)` waits for its next message of that type (or
// rejects when it reports a failure, or after `timeoutMs`).
import type { ChildProcess } from "node:child_process";
import type { FromClient, ToClient } from "../test/support/mediaClient.ts";

type Offer = Extract<FromClient, { type: "offer" }>;

export interface Parties {
  tell(message: ToClient): void;
  next<T extends FromClient["type"]>(type: T, timeoutMs: number): Promise<Extract<FromClient, { type: T }>>;
}

export function partiesOf(child: ChildProcess, onOffer: (offer: Offer) => void): Parties {
  const waiters: Array<(m: FromClient) => boolean> = [];
  child.on("message", (m: FromClient) => {
    if (m.type === "offer") return onOffer(m);
    const i = waiters.findIndex((w) => w(m));
    if (i >= 0) waiters.splice(i, 1);
  });
  return {
    tell: (message) => child.send(message),
    next: <T extends FromClient["type"]>(type: T, timeoutMs: number) =>
      new Promise<Extract<FromClient, { type: T }>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bench: no ${type} in ${timeoutMs} ms`)), timeoutMs);
        waiters.push((m) => {
          if (m.type !== "failed" && m.type !== type) return false;
          clearTimeout(timer);
          if (m.type === "failed") reject(new Error(`bench: the simulated parties failed: ${m.message}`));
          else resolve(m as Extract<FromClient, { type: T }>);
          return true;
        });
      }),
  };
}
