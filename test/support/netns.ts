// A small internet in network namespaces for the network tests (SPEC §4: Earshot used from
// other networks, behind NAT, from networks that block UDP):
//
//   server 10.201.S.1 ─┐                         wan: a bridge in its own namespace, 10.201.S.0/24
//   officegw .2 ───────┤── NAT ── office 10.202.1.2   (the gateway forwards TCP only: UDP dropped)
//   homegw   .3 ───────┤── NAT ── home   10.203.1.2   (UDP allowed)
//   this process .254 ─┘                         (a veth in the root namespace, to call the server)
//
// S is the run's slot (0 unless another run is live): the root namespace is shared, so two runs
// on one machine need different wan subnets. Nothing here can reach beyond the machine: each
// host's OUTPUT counts and drops (EPERM) anything not for loopback or 10.201–10.203.x.x (a DNS
// lookup to the machine's resolver included); the gateways route only their two subnets; the
// root namespace is nobody's gateway; and the server's default route (there so that such a
// packet reaches OUTPUT to be counted, instead of failing with ENETUNREACH) is `void0`, a veth
// whose peer is up, unattached and silent.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { build, LANS } from "./netns-build.ts";

export { TEST_RANGES } from "./netns-build.ts";

import {
  assertPrerequisites,
  claimSlot,
  onExit,
  PREFIX,
  removeStaleRuns,
  run,
  spawnInNs,
  teardownSync,
} from "./netns-run.ts";

export type HostName = "server" | "office" | "home";

export interface NetHost {
  readonly name: HostName;
  /** The namespace to run things in (`ip netns exec <ns> …`). */
  readonly ns: string;
  /** The host's own address (the server's is on the wan, the others' on their LAN). */
  readonly address: string;
  /** The address others see this host's connections come from: its gateway's wan address after NAT. */
  readonly publicAddress: string;
  /** The NAT gateway's namespace (office and home); null for the server. */
  readonly gatewayNs: string | null;
}

export interface Network {
  /** Unique per run; part of every namespace's name. */
  readonly suffix: string;
  readonly server: NetHost;
  readonly office: NetHost;
  readonly home: NetHost;
  /** This process's address on the wan segment (the root namespace), e.g. to call the server's API. */
  readonly testAddress: string;
  readonly wanSubnet: string;
  /** Runs argv in the host's namespace; resolves with stdout, rejects with stderr and the exit status. */
  exec(host: Pick<NetHost, "ns">, argv: readonly string[], timeoutMs?: number): Promise<string>;
  /**
   * Starts argv in the host's namespace; env is added to this process's. stdout and stderr are
   * pipes: read them (or resume()) or a chatty child blocks once 64 KB are unread.
   */
  spawn(host: Pick<NetHost, "ns">, argv: readonly string[], env?: NodeJS.ProcessEnv): ChildProcess;
  /** Drops everything the host's gateway forwards, both ways (its established connections too). */
  cut(host: NetHost): Promise<void>;
  /** Undoes cut(host). */
  restore(host: NetHost): Promise<void>;
  /** Packets the host tried to send to anything but loopback and the test ranges (dropped in its OUTPUT). */
  egressPackets(host?: NetHost): Promise<number>;
  /** Where those packets went (distinct destination addresses), for the message of a failing test. */
  egressDestinations(host?: NetHost): Promise<string[]>;
  /** Zeroes the host's egress counter and forgets its destinations. */
  resetEgress(host?: NetHost): Promise<void>;
  /** UDP packets the office gateway dropped on their way out. */
  officeUdpDropped(): Promise<number>;
  /** Kills whatever still runs in the namespaces and deletes them. Idempotent. */
  close(): Promise<void>;
}

/** Builds the network; throws (saying what to install) if a prerequisite is missing. */
export async function createNetwork(): Promise<Network> {
  assertPrerequisites();
  removeStaleRuns();
  const suffix = randomBytes(3).toString("hex");
  const { slot, release } = claimSlot(suffix);
  const base = `${PREFIX}${suffix}`;
  const wanNet = `10.201.${slot}`;
  const ns = {
    wan: `${base}-wan`,
    server: `${base}-server`,
    officegw: `${base}-officegw`,
    office: `${base}-office`,
    homegw: `${base}-homegw`,
    home: `${base}-home`,
  };
  let closed = false;
  const cleanup = () => {
    if (closed) return;
    closed = true;
    teardownSync(suffix);
    release();
  };
  const hook = onExit(suffix, cleanup);
  try {
    build(base, ns, wanNet);
  } catch (error) {
    hook.forget();
    cleanup();
    throw error;
  }

  const gatewayOf = (host: NetHost): string => {
    if (!host.gatewayNs) throw new Error(`netns: ${host.name} has no gateway; cut() is for office and home`);
    return host.gatewayNs;
  };
  const counter = async (namespace: string, chain: string, comment: string): Promise<number> => {
    const out = await run([
      "ip",
      "netns",
      "exec",
      namespace,
      "iptables",
      "-w",
      "-n",
      "-v",
      "-x",
      "-L",
      chain,
    ]);
    const line = out.split("\n").find((l) => l.includes(`/* ${comment} */`));
    if (!line) throw new Error(`netns: no rule "${comment}" in ${namespace} ${chain}:\n${out}`);
    return Number(line.trim().split(/\s+/)[0]);
  };
  const host = (name: HostName, address: string, publicAddress: string): NetHost => ({
    name,
    ns: ns[name],
    address,
    publicAddress,
    gatewayNs: name === "office" ? ns.officegw : name === "home" ? ns.homegw : null,
  });
  return {
    suffix,
    server: host("server", `${wanNet}.1`, `${wanNet}.1`),
    office: host("office", `${LANS.office.subnet}.2`, `${wanNet}.${LANS.office.wanHost}`),
    home: host("home", `${LANS.home.subnet}.2`, `${wanNet}.${LANS.home.wanHost}`),
    testAddress: `${wanNet}.254`,
    wanSubnet: `${wanNet}.0/24`,
    exec: (h, argv, timeoutMs) => run(["ip", "netns", "exec", h.ns, ...argv], timeoutMs),
    spawn: (h, argv, env) => spawnInNs(h.ns, argv, env),
    async cut(h) {
      const gw = gatewayOf(h);
      await run(["ip", "netns", "exec", gw, "iptables", "-w", "-F", "CUT"]);
      await run(["ip", "netns", "exec", gw, "iptables", "-w", "-A", "CUT", "-j", "DROP"]);
    },
    async restore(h) {
      await run(["ip", "netns", "exec", gatewayOf(h), "iptables", "-w", "-F", "CUT"]);
    },
    async resetEgress(h) {
      const n = h?.ns ?? ns.server;
      await run(["ip", "netns", "exec", n, "iptables", "-w", "-Z", "EGRESS"]);
      await run(["ip", "netns", "exec", n, "sh", "-c", "echo / > /proc/net/xt_recent/earshot-egress"]);
    },
    egressPackets: (h) => counter(h?.ns ?? ns.server, "EGRESS", "earshot-egress"),
    async egressDestinations(h) {
      const list = await run([
        "ip",
        "netns",
        "exec",
        h?.ns ?? ns.server,
        "cat",
        "/proc/net/xt_recent/earshot-egress",
      ]);
      // Lines read "src=ADDR …" even with --rdest: the address is the packet's destination.
      return [...list.matchAll(/^src=(\S+)/gm)].map((m) => m[1]);
    },
    officeUdpDropped: () => counter(ns.officegw, "FORWARD", "earshot-office-udp"),
    async close() {
      hook.forget();
      cleanup();
    },
  };
}
