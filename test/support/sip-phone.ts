// The SIP tests' shared set-up: Debian's baresip as a phone playing a tone (the customer's, or
// the carrier's far ends), Earshot with a SIP trunk on 127.0.0.2 that takes calls from
// 127.0.0.1, a call dialled in to Support's DID until it rings, and polling until a condition.
import { join } from "node:path";
import { MediaPlane } from "../../src/media/plane.ts";
import type { Call } from "../../src/protocol/resources.ts";
import { Baresip, requireBaresip, writeUlawRateWav } from "./baresip.ts";
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
  /** SIP ports it must not take (another phone's, which uses the ports above its own too). */
  avoid?: number[];
}

/** A baresip phone in `dir`/`name` on free loopback ports; fails (never skips) without baresip. */
export async function startPhone(
  dir: string,
  name: string,
  opts: PhoneOptions,
): Promise<Baresip & { sipPort: number }> {
  requireBaresip();
  let sipPort = await freePort();
  while (opts.avoid?.some((p) => Math.abs(p - sipPort) <= 2)) sipPort = await freePort();
  const wav = join(dir, `${name}.wav`);
  writeUlawRateWav(wav, opts.tone, opts.seconds ?? 120);
  const phone = await Baresip.start(join(dir, name), {
    sipPort,
    ctrlPort: await freePort(),
    rtpPorts: opts.rtpPorts,
    wav,
    users: opts.users ?? ["alice"],
  });
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
    media: await MediaPlane.create({ hosts: ["127.0.0.1"] }),
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
