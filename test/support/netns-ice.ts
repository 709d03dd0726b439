// ICE candidate gathering in a page, for the TURN tests: one RTCPeerConnection with a data
// channel, the given ICE servers, relay only by default; what it gathered and what failed.
import type { Page } from "playwright-core";

export interface GatheredCandidate {
  type: string;
  address: string;
  protocol: string;
  /** For relay candidates, how this browser reaches the TURN server: "udp", "tcp" or "tls". */
  relayProtocol: string | null;
  candidate: string;
}

export interface IceGathering {
  candidates: GatheredCandidate[];
  /** icecandidateerror events: the TURN/STUN server's error code (401, 701 = no answer …). */
  errors: { url: string; errorCode: number; errorText: string }[];
  /** True if gathering completed before the timeout. */
  complete: boolean;
  ms: number;
}

export function gatherCandidates(
  page: Page,
  iceServers: RTCIceServer[],
  opts: { timeoutMs?: number; policy?: "relay" | "all" } = {},
): Promise<IceGathering> {
  return page.evaluate(
    async ([servers, timeoutMs, policy]) => {
      const start = performance.now();
      const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: policy });
      const candidates: GatheredCandidate[] = [];
      const errors: IceGathering["errors"] = [];
      pc.onicecandidateerror = (e) => {
        const ev = e as RTCPeerConnectionIceErrorEvent;
        errors.push({ url: ev.url, errorCode: ev.errorCode, errorText: ev.errorText });
      };
      const complete = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        pc.onicecandidate = (e) => {
          if (!e.candidate) {
            clearTimeout(timer);
            resolve(true);
            return;
          }
          const c = e.candidate as RTCIceCandidate & { relayProtocol?: string };
          candidates.push({
            type: c.type ?? "",
            address: c.address ?? "",
            protocol: c.protocol ?? "",
            relayProtocol: c.relayProtocol ?? null,
            candidate: c.candidate,
          });
        };
        pc.createDataChannel("probe");
        void pc.createOffer().then((offer) => pc.setLocalDescription(offer));
      });
      pc.close();
      return { candidates, errors, complete, ms: Math.round(performance.now() - start) };
    },
    [iceServers, opts.timeoutMs ?? 5000, opts.policy ?? "relay"] as const,
  );
}
