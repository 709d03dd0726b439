// The simulated parties' process (test/support/mediaClient.ts) as the media benches talk to it:
// its offers go to `onOffer`, and `next(type)` waits for its next message of that type (or
// rejects when it reports a failure, or after `timeoutMs`). `coachedParties` starts the process
// (pinned to a core of its own where taskset allows) with its legs attached to a media plane.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpus } from "node:os";
import type { NodeMedia } from "../src/media/commands.ts";
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

/** The core the simulated parties are pinned to, if taskset exists and there are 2+ cores. */
export function partiesCore(): number | null {
  if (cpus().length < 2) return null;
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return cpus().length - 1;
  } catch {
    return null;
  }
}

export interface CoachedParties extends Parties {
  child: ChildProcess;
  /** The calls opened in the plane so far (`bench-<n>`), one per call the parties added. */
  opened: Set<string>;
}

/**
 * The parties' process on `core` (null: unpinned), each of its calls opened in `media` as
 * `bench-<n>` in Opus and each leg attached as its party (what the signalling does for a browser).
 */
export function coachedParties(media: NodeMedia, core: number | null): CoachedParties {
  const script = new URL("../test/support/mediaClient.ts", import.meta.url).pathname;
  const args = ["--import", "tsx", script];
  const stdio: ["ignore", "inherit", "inherit", "ipc"] = ["ignore", "inherit", "inherit", "ipc"];
  const child =
    core === null
      ? spawn(process.execPath, args, { stdio })
      : spawn("taskset", ["-c", String(core), process.execPath, ...args], { stdio });
  const opened = new Set<string>();
  const parties = partiesOf(child, (m) => {
    const callId = `bench-${m.call}`;
    if (!opened.has(callId)) {
      opened.add(callId);
      media.openCall(callId, "opus");
    }
    media.attach(callId, m.role, m.sdp, "opus", null, `${callId}-${m.role}`).then(
      ({ answerSdp }) => parties.tell({ type: "answer", id: m.id, sdp: answerSdp }),
      (error) => console.error("bench: attach failed", error),
    );
  });
  return { ...parties, child, opened };
}
