// Where a webhook may be delivered (SPEC §7): only public unicast addresses, unless the
// operator allows private ones (EARSHOT_WEBHOOK_ALLOW_PRIVATE=1, for on-premises receivers).
// A URL is checked when it is registered and again at every delivery, against the addresses
// its host resolves to then; the delivery connects to exactly the address that was checked
// (no second lookup a rebinding DNS server could answer differently).
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The special range an address is in (ipaddr.js's names: loopback, private, linkLocal,
 * uniqueLocal, carrierGradeNat, multicast, unspecified, reserved, …), or null for a public
 * unicast address. IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
 * Anything that is not plain unicast is refused: an allow-list fails closed on a range we forgot.
 */
export function nonPublicRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return "invalid";
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return range === "unicast" ? null : range;
}

/** A URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

export type TargetCheck =
  | { ok: true; address: string }
  | { ok: false; reason: "invalid_url" | "unresolvable" | "private_address" };

export class WebhookTargets {
  constructor(private readonly options: { allowPrivate: boolean; resolve: Resolver }) {}

  /** What is wrong with a URL as a webhook target, as a sentence for the admin, or null. */
  static shapeProblem(url: URL): string | null {
    if (url.protocol !== "http:" && url.protocol !== "https:") return "url must be http(s).";
    if (url.username || url.password)
      return "url must not carry credentials (user:password@); authenticate receivers with the signature.";
    return null;
  }

  /**
   * Resolves the URL's host once and checks every address: one private address is enough to
   * refuse (a name answering both would let the connection pick the private one). Returns the
   * address to connect to.
   */
  async check(url: URL): Promise<TargetCheck> {
    if (WebhookTargets.shapeProblem(url)) return { ok: false, reason: "invalid_url" };
    const host = hostOf(url);
    let addresses: string[];
    if (isIP(host)) addresses = [host];
    else {
      try {
        addresses = await this.options.resolve(host);
      } catch {
        return { ok: false, reason: "unresolvable" };
      }
    }
    if (addresses.length === 0) return { ok: false, reason: "unresolvable" };
    if (!this.options.allowPrivate && addresses.some((a) => nonPublicRange(a) !== null))
      return { ok: false, reason: "private_address" };
    return { ok: true, address: addresses[0] };
  }
}
