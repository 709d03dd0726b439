// The SIP tests' shared set-up: Debian's baresip as a phone playing a tone (the customer's, or
// the carrier's far ends), Earshot with a SIP trunk on 127.0.0.2 that takes calls from
// 127.0.0.1, a call dialled in to Support's DID until it rings, and polling until a condition.

import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Call } from "../../src/protocol/resources.ts";
import { Baresip, requireBaresip, writeUlawRateWav } from "./baresip.ts";
import { testMedia } from "./media.ts";
import type { Client } from "./server.ts";
import { type ServerOptions, startServer, type TestServer } from "./server.ts";
import { freePort } from "./services.ts";

/** Support's DID in the demo data. */
export const SUPPORT_DID = "+34910000001";

/** Resolves with f()'s first truthy value, polling every 100 ms; fails after `ms`. */
export async function until<T>(
  f: () => Promise<T | undefined | false>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface PhoneOptions {
  /** The tone its microphone plays (Hz), for `seconds` (default 120). */
  tone: number;
  seconds?: number;
  /** Its RTP port range, e.g. "21000-21099" (distinct per phone and per test file). */
  rtpPorts: string;
  /** The users it answers automatically (default alice, a phone that only dials). */
  users?: string[];
}

/** Whether `port` can be bound on 127.0.0.1 now, by TCP or UDP as asked (then released). */
function bindable(port: number, proto: "tcp" | "udp"): Promise<boolean> {
  return new Promise((resolve) => {
    if (proto === "udp") {
      const s = createSocket("udp4");
      s.once("error", () => resolve(false));
      s.bind(port, "127.0.0.1", () => s.close(() => resolve(true)));
      return;
    }
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/**
 * Ports for one baresip: SIP on UDP+TCP p and TLS on TCP p+1, and its control port — below
 * the kernel's ephemeral range (32768+), so that no other test process's outgoing connection
 * can take one between this check and baresip's bind, as freePort's could (a phone that did not
 * start, seen once in CI with test files sharing processes).
 */
async function phonePorts(): Promise<{ sipPort: number; ctrlPort: number }> {
  const pick = async (): Promise<number> => {
    for (;;) {
      const p = 24000 + Math.floor(Math.random() * 8000);
      if ((await bindable(p, "udp")) && (await bindable(p, "tcp")) && (await bindable(p + 1, "tcp")))
        return p;
    }
  };
  const sipPort = await pick();
  let ctrlPort = await pick();
  while (Math.abs(ctrlPort - sipPort) <= 1) ctrlPort = await pick();
  return { sipPort, ctrlPort };
}

/** A baresip phone in `dir`/`name` on free loopback ports; fails (never skips) without baresip. */
export async function startPhone(
  dir: string,
  name: string,
  opts: PhoneOptions,
): Promise<Baresip & { sipPort: number }> {
  requireBaresip();
  const wav = join(dir, `${name}.wav`);
  writeUlawRateWav(wav, opts.tone, opts.seconds ?? 120);
  const { sipPort, ctrlPort } = await phonePorts();
  const settings = { sipPort, ctrlPort, rtpPorts: opts.rtpPorts, wav, users: opts.users ?? ["alice"] };
  const phone = await Baresip.start(join(dir, name), settings);
  return Object.assign(phone, { sipPort });
}

export interface TrunkOptions extends ServerOptions {
  /** Where the trunk sends calls out: host:port of the carrier (a phone's SIP port). */
  carrier: string;
  /** SIP_TRUNK_RTP_PORTS. */
  rtpPorts: string;
}

/** Earshot with a media plane and a SIP trunk listening on 127.0.0.2:<free port>, allowing 127.0.0.1. */
export async function startTrunkServer(
  opts: TrunkOptions,
): Promise<{ server: TestServer; trunkPort: number }> {
  const { carrier, rtpPorts, env, ...rest } = opts;
  const trunkPort = await freePort();
  const server = await startServer({
    media: await testMedia({ hosts: ["127.0.0.1"] }),
    ...rest,
    env: {
      SIP_TRUNK_CARRIER: carrier,
      SIP_TRUNK_LISTEN: `127.0.0.2:${trunkPort}`,
      SIP_TRUNK_ALLOW: "127.0.0.1",
      SIP_TRUNK_RTP_PORTS: rtpPorts,
      ...env,
    },
  });
  return { server, trunkPort };
}

/** `phone` dials Support's DID on the trunk; resolves with the call once it rings for `agent`. */
export async function dialSupport(
  phone: Baresip,
  trunkPort: number,
  agent: Client,
  transport: "udp" | "tcp" = "udp",
): Promise<Call> {
  const uri = `sip:${SUPPORT_DID}@127.0.0.2:${trunkPort}${transport === "tcp" ? ";transport=tcp" : ""}`;
  await phone.command("dial", uri);
  return until(async () => {
    const calls = (await agent.get<{ calls: Call[] }>("/calls?live=true")).body.calls;
    return calls.find((c) => c.state === "ringing" && c.customerChannel === "sip");
  }, `the ${transport.toUpperCase()} trunk call rings ${agent.user?.email}`);
}

/** Only ana takes Support's calls: the other demo agents go unavailable. */
export async function onlyAnaAvailable(org: { luis: Client; sofia: Client; marco: Client }): Promise<void> {
  for (const u of [org.luis, org.sofia, org.marco]) await u.patch("/me", { availability: "unavailable" });
}
