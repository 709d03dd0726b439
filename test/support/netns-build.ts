// How test/support/netns.ts builds its network: the namespaces, veths, bridge, routes and the
// iptables rules of each namespace. Synchronous (a few dozen short commands, ≈ 1 s), so that a
// failure half-way can be undone by the same synchronous teardown as the exit hook's.
import { execFileSync } from "node:child_process";
import { runSync } from "./netns-run.ts";

/** The ranges test traffic may go to; anything else is counted as egress. */
export const TEST_RANGES = ["10.201.0.0/16", "10.202.0.0/16", "10.203.0.0/16"] as const;

export const LANS = {
  office: { subnet: "10.202.1", wanHost: 2, udp: false },
  home: { subnet: "10.203.1", wanHost: 3, udp: true },
} as const;

/** The namespaces of one run, by role. */
export type RunNamespaces = Record<"server" | "office" | "home" | "wan" | "officegw" | "homegw", string>;

export function build(base: string, ns: RunNamespaces, wanNet: string): void {
  const sh = (...argv: string[]) => {
    try {
      runSync(argv);
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(`netns: ${argv.join(" ")} failed: ${stderr || String(error)}`);
    }
  };
  const inNs = (n: string, ...argv: string[]) => sh("ip", "netns", "exec", n, ...argv);
  const rules = (n: string, text: string) => {
    try {
      execFileSync("ip", ["netns", "exec", n, "iptables-restore", "-w"], { input: text, stdio: "pipe" });
    } catch (error) {
      throw new Error(`netns: iptables-restore in ${n} failed: ${String(error)}\n${text}`);
    }
  };
  for (const n of Object.values(ns)) {
    sh("ip", "netns", "add", n);
    sh("ip", "-n", n, "link", "set", "lo", "up");
    // IPv4 only: no link-local IPv6 chatter, no v6 candidates that no test asked for.
    inNs(n, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
  }
  sh("ip", "-n", ns.wan, "link", "add", "br0", "type", "bridge");
  sh("ip", "-n", ns.wan, "link", "set", "br0", "up");
  const toWan = (n: string, port: string, address: string) => {
    sh(
      "ip",
      "link",
      "add",
      "name",
      "wan0",
      "netns",
      n,
      "type",
      "veth",
      "peer",
      "name",
      port,
      "netns",
      ns.wan,
    );
    sh("ip", "-n", ns.wan, "link", "set", port, "master", "br0", "up");
    sh("ip", "-n", n, "addr", "add", `${address}/24`, "dev", "wan0");
    sh("ip", "-n", n, "link", "set", "wan0", "up");
  };

  toWan(ns.server, "p-server", `${wanNet}.1`);
  sh(
    "ip",
    "link",
    "add",
    "name",
    "void0",
    "netns",
    ns.server,
    "type",
    "veth",
    "peer",
    "name",
    "void",
    "netns",
    ns.wan,
  );
  sh("ip", "-n", ns.wan, "link", "set", "void", "up");
  sh("ip", "-n", ns.server, "link", "set", "void0", "up");
  sh("ip", "-n", ns.server, "route", "add", "default", "dev", "void0");
  rules(ns.server, egressRules(`${wanNet}.0/24`));

  for (const name of ["office", "home"] as const) {
    const lan = LANS[name];
    const gw = name === "office" ? ns.officegw : ns.homegw;
    toWan(gw, `p-${name}`, `${wanNet}.${lan.wanHost}`);
    sh(
      "ip",
      "link",
      "add",
      "name",
      "lan0",
      "netns",
      gw,
      "type",
      "veth",
      "peer",
      "name",
      "lan0",
      "netns",
      ns[name],
    );
    sh("ip", "-n", gw, "addr", "add", `${lan.subnet}.1/24`, "dev", "lan0");
    sh("ip", "-n", gw, "link", "set", "lan0", "up");
    sh("ip", "-n", ns[name], "addr", "add", `${lan.subnet}.2/24`, "dev", "lan0");
    sh("ip", "-n", ns[name], "link", "set", "lan0", "up");
    sh("ip", "-n", ns[name], "route", "add", "default", "via", `${lan.subnet}.1`);
    inNs(gw, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    rules(gw, gatewayRules(`${wanNet}.0/24`, lan.udp));
    rules(ns[name], egressRules(`${lan.subnet}.0/24`));
  }

  // This process's own leg on the wan. Its IPv6 is off before it comes up (no link-local).
  sh("ip", "link", "add", "name", base, "type", "veth", "peer", "name", "p-test", "netns", ns.wan);
  sh("ip", "-n", ns.wan, "link", "set", "p-test", "master", "br0", "up");
  sh("sysctl", "-q", "-w", `net.ipv6.conf.${base}.disable_ipv6=1`);
  sh("ip", "addr", "add", `${wanNet}.254/24`, "dev", base);
  sh("ip", "link", "set", base, "up");
}

/** A host's OUTPUT: counts and drops what goes anywhere but loopback and the test ranges. */
function egressRules(own: string): string {
  return [
    "*filter",
    ":EGRESS - [0:0]",
    "-A OUTPUT -j EGRESS",
    "-A EGRESS -o lo -j RETURN",
    `-A EGRESS -d ${own} -j RETURN`,
    ...TEST_RANGES.map((r) => `-A EGRESS -d ${r} -j RETURN`),
    // Counted, each destination remembered (/proc/net/xt_recent/earshot-egress), and dropped:
    // the sender gets EPERM at once (a DNS lookup fails fast instead of timing out).
    '-A EGRESS -m comment --comment "earshot-egress" -m recent --name earshot-egress --set --rdest -j DROP',
    "COMMIT",
    "",
  ].join("\n");
}

/**
 * A NAT gateway: forwards its LAN's new connections to the wan segment only (TCP only when
 * `udp` is false: the office's firewall), answers back, nothing unsolicited inwards. CUT is
 * first in FORWARD so that cut() stops established connections too.
 */
function gatewayRules(wan: string, udp: boolean): string {
  return [
    "*filter",
    ":FORWARD DROP [0:0]",
    ":CUT - [0:0]",
    "-A FORWARD -j CUT",
    "-A FORWARD -i wan0 -o lan0 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    ...(udp
      ? [`-A FORWARD -i lan0 -o wan0 -d ${wan} -j ACCEPT`]
      : [
          '-A FORWARD -i lan0 -o wan0 -p udp -m comment --comment "earshot-office-udp" -j DROP',
          `-A FORWARD -i lan0 -o wan0 -d ${wan} -p tcp -j ACCEPT`,
        ]),
    "COMMIT",
    "*nat",
    "-A POSTROUTING -o wan0 -j MASQUERADE",
    "COMMIT",
    "",
  ].join("\n");
}
