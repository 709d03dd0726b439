// The probes of netns-probe-cli.mjs, run in a namespace of a Network: one-shot ones through
// exec, servers as children whose JSON lines are collected.
import type { ChildProcess } from "node:child_process";
import type { NetHost, Network } from "./netns.ts";

const CLI = new URL("./netns-probe-cli.mjs", import.meta.url).pathname;

export type ProbeEvent = Record<string, unknown>;

export interface ProbeServer {
  /** Every JSON line printed so far, after the ready line. */
  readonly events: ProbeEvent[];
  /** Resolves with the first event matching `pred` (already seen or coming); rejects after `ms`. */
  waitFor(pred: (e: ProbeEvent) => boolean, ms?: number): Promise<ProbeEvent>;
  close(): Promise<void>;
}

/** Runs a one-shot probe (udp-send, tcp-connect) in `host`; rejects if it exits non-zero. */
export function probe(
  net: Network,
  host: NetHost,
  args: readonly string[],
  timeoutMs = 10_000,
): Promise<string> {
  return net.exec(host, [process.execPath, CLI, ...args], timeoutMs);
}

/** Starts a probe server (udp-listen, https-serve) in `host`; resolves once it listens. */
export function startProbeServer(net: Network, host: NetHost, args: readonly string[]): Promise<ProbeServer> {
  const child = net.spawn(host, [process.execPath, CLI, ...args]);
  const events: ProbeEvent[] = [];
  const waiters = new Set<() => void>();
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    let buffered = "";
    let ready = false;
    child.stdout?.on("data", (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const event = JSON.parse(line) as ProbeEvent;
        if (!ready && event.ready) {
          ready = true;
          resolve(server(child, events, waiters));
        } else events.push(event);
      }
      for (const w of waiters) w();
    });
    child.on("exit", (code, signal) => {
      if (!ready)
        reject(new Error(`probe ${args.join(" ")} in ${host.name} exited (${code ?? signal}): ${stderr}`));
    });
  });
}

function server(child: ChildProcess, events: ProbeEvent[], waiters: Set<() => void>): ProbeServer {
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    events,
    waitFor: (pred, ms = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(pred);
          if (!hit) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching probe event within ${ms} ms; got ${JSON.stringify(events)}`));
        }, ms);
        waiters.add(check);
        check();
      }),
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
