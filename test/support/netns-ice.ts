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

/**
 * Connects a data channel between two pages (each with its own ICE servers and policy), SDP
 * exchanged after full gathering; resolves with the ms until it opened and the nominated pair's
 * local candidate type on each side. Rejects after `timeoutMs`.
 */
export async function connectDataChannel(
  a: { page: Page; iceServers: RTCIceServer[]; policy?: "relay" | "all" },
  b: { page: Page; iceServers: RTCIceServer[]; policy?: "relay" | "all" },
  timeoutMs = 8000,
): Promise<{ ms: number; localTypes: [string, string] }> {
  const setUp = (side: typeof a) =>
    side.page.evaluate(
      ([servers, policy]) => {
        const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: policy });
        const dc = pc.createDataChannel("probe", { negotiated: true, id: 0 });
        const w = window as never as { probePc: RTCPeerConnection; probeOpen: Promise<void> };
        w.probePc = pc;
        w.probeOpen = new Promise((resolve) => {
          dc.onopen = () => resolve();
        });
      },
      [side.iceServers, side.policy ?? "all"] as const,
    );
  // Sets the remote description (if any), makes the local one, waits for full gathering.
  const describe = (page: Page, remote: RTCSessionDescriptionInit | null) =>
    page.evaluate(async (r) => {
      const pc = (window as never as { probePc: RTCPeerConnection }).probePc;
      if (r) await pc.setRemoteDescription(r);
      await pc.setLocalDescription(r ? await pc.createAnswer() : await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === "complete") resolve();
        pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && resolve();
      });
      return { type: pc.localDescription?.type, sdp: pc.localDescription?.sdp } as RTCSessionDescriptionInit;
    }, remote);
  await Promise.all([setUp(a), setUp(b)]);
  const offer = await describe(a.page, null);
  const answer = await describe(b.page, offer);
  const start = Date.now();
  await a.page.evaluate(
    (r) => (window as never as { probePc: RTCPeerConnection }).probePc.setRemoteDescription(r),
    answer,
  );
  const opened = (page: Page) =>
    page.evaluate(
      (ms) =>
        Promise.race([
          (window as never as { probeOpen: Promise<void> }).probeOpen,
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`no data channel within ${ms} ms`)), ms),
          ),
        ]),
      timeoutMs,
    );
  await Promise.all([opened(a.page), opened(b.page)]);
  const ms = Date.now() - start;
  const localType = (page: Page) =>
    page.evaluate(async () => {
      const pc = (window as never as { probePc: RTCPeerConnection }).probePc;
      // The transport's selected pair: a pair's `nominated` flag can still be unset in the stats
      // when the channel opens on a loaded machine (seen once as "none"), so wait up to 2 s.
      for (let i = 0; ; i++) {
        const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
        const transport = stats.find((s) => s.type === "transport" && s.selectedCandidatePairId);
        const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
        const local = stats.find((s) => s.id === pair?.localCandidateId);
        if (local || i === 20) {
          pc.close();
          return String(local?.candidateType ?? "none");
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    });
  return { ms, localTypes: [await localType(a.page), await localType(b.page)] };
}
