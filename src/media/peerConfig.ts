// The ICE and DTLS settings every peer connection of a media node shares: the call legs'
// (WebRtcLeg.ts) and the network probes' (ProbeLeg.ts), so a probe tests exactly the path a
// call would take: the same certificate, announced hosts, UDP port range and STUN servers.
import type { PeerConfig, RTCCertificate, RTCPeerConnection } from "werift";

export interface PeerSettings {
  certificate: RTCCertificate;
  /** The addresses announced in host candidates (MediaNodeOptions.hosts); default every IPv4 interface. */
  hosts?: string[];
  portRange?: [number, number];
  /** STUN servers for server-reflexive candidates; none means no traffic to anyone but the peers. */
  stunUrls: string[];
  /** How long a leg may take to connect before it closes with "ice_failed". */
  connectTimeoutMs: number;
  /** How long a lost path waits for an ICE restart, and how long a silence loses it (pathWatch.ts). */
  reconnectGraceMs: number;
  silenceMs: number;
}

/** The werift configuration of a peer connection on this node (codecs aside). */
export function nodePeerConfig(settings: Readonly<PeerSettings>): Partial<PeerConfig> {
  return {
    iceServers: settings.stunUrls.length > 0 ? [{ urls: settings.stunUrls }] : [],
    // With hosts given, werift gathers on exactly those (its interface scan needs iceUseIpv4).
    iceUseIpv4: !settings.hosts,
    iceUseIpv6: false,
    certificates: [settings.certificate],
    ...(settings.hosts ? { iceAdditionalHostAddresses: settings.hosts } : {}),
    ...(settings.portRange ? { icePortRange: settings.portRange } : {}),
  };
}

/**
 * werift queries stun.l.google.com:19302 from every connection when it is given no STUN server:
 * a DNS lookup and a packet to a third party per call, in a product that must run offline. The
 * ICE connection reads its server from this field when it gathers, so without configured
 * servers there is none.
 */
export function withoutDefaultStun(connection: { stunServer?: unknown }, stunUrls: readonly string[]): void {
  if (stunUrls.length === 0) connection.stunServer = undefined;
}

/** Resolves when the connection has gathered its candidates, or after `timeoutMs`. */
export function gatheringComplete(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== "complete") return;
      clearTimeout(timer);
      unSubscribe();
      resolve();
    });
  });
}
