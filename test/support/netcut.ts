// Cutting one UDP port's incoming traffic with iptables (root namespace), for the tests of a
// leg that loses its path. The rule names exactly one port and is removed by the returned
// function (call it in a finally). No iptables fails the test with what to install: never a skip.
import { execFileSync } from "node:child_process";

function iptables(args: string[]): void {
  try {
    execFileSync("iptables", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === "ENOENT") {
      throw new Error(
        "iptables is not installed: apt-get install iptables (the network tests need it, as root)",
      );
    }
    throw new Error(`iptables ${args.join(" ")} failed: ${e.stderr?.toString().trim() || e.message}`);
  }
}

/** Drops every UDP datagram to `port` on this machine until the returned function restores it. */
export function cutUdpPort(port: number): () => void {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`not a UDP port: ${port}`);
  const rule = ["INPUT", "-p", "udp", "--dport", String(port), "-j", "DROP"];
  iptables(["-I", ...rule]);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    iptables(["-D", ...rule]);
  };
}
