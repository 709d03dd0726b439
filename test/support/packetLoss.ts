// Real packet loss for call-quality tests: the firewall drops a share of the UDP datagrams that
// arrive on loopback at one media port (iptables' statistic match, one rule per port, tagged with
// this process), not a hook in our code. Rules go in remove() (call it in `after`).
import { execFileSync } from "node:child_process";

/** The UDP ports bound in [from, to] right now (ss: every socket of the machine). */
export function boundPorts([from, to]: readonly [number, number]): Set<number> {
  const out = execFileSync("ss", ["-Huan"], { encoding: "utf8" });
  const ports = new Set<number>();
  for (const line of out.split("\n")) {
    const local = line.trim().split(/\s+/)[3] ?? "";
    const port = Number(local.slice(local.lastIndexOf(":") + 1));
    if (port >= from && port <= to) ports.add(port);
  }
  return ports;
}

export class PacketLoss {
  private readonly ports: number[] = [];

  /** `probability`: the share of datagrams dropped (0.15: 15 %). */
  constructor(private readonly probability: number) {}

  private rule(port: number): string[] {
    return [
      "INPUT",
      ...["-i", "lo", "-p", "udp", "--dport", String(port)],
      ...["-m", "statistic", "--mode", "random", "--probability", String(this.probability)],
      ...["-m", "comment", "--comment", `earshot-quality-test-${process.pid}`],
      ...["-j", "DROP"],
    ];
  }

  /** Drops a share of what arrives at `port` from now on. */
  drop(port: number): void {
    execFileSync("iptables", ["-I", ...this.rule(port)]);
    this.ports.push(port);
  }

  /** Every rule this one added goes. */
  remove(): void {
    for (const port of this.ports.splice(0)) execFileSync("iptables", ["-D", ...this.rule(port)]);
  }
}
