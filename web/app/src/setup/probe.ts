// The network diagnostic's probes, for real (SPEC §4): the WebSocket answers; a data channel
// reaches this node's media plane with host candidates only (direct UDP); and, for each
// configured TURN kind, with only that relay and iceTransportPolicy "relay". Each probe is
// answered by the server (media.probe → media.probe_answer) and passes when its echo returns.
import type { ServerMessage } from "../../../../src/protocol/messages.ts";
import { PROBE } from "../../../../src/protocol/messages.ts";
import { fetchIceServers, ok, rest, wsUrl } from "../shared/api.ts";
import { type ClientRequest, sendRequest } from "../shared/socket.ts";
import type { IceServer } from "./probePlan.ts";

/** Where a probe's offer goes: the tab's own socket (a widget call's) or the diagnostic's. */
export interface ProbeChannel {
  request(msg: ClientRequest): Promise<ServerMessage>;
}

/**
 * Who runs the diagnostic: the tab's signed-in user (the diagnostic opens its own WebSocket with
 * the token), or a widget call over the widget's own socket (closing a second widget socket
 * would hang the call up).
 */
export type DiagAuth = { token: string } | { callToken: string; channel: ProbeChannel };

/** Why a row failed, as an i18n key and its variables. */
export interface Why {
  key: "noSignalling" | "needsSignalling" | "noServers" | "noRelay" | "refused" | "timeout";
  vars?: Record<string, string>;
}

export interface ProbeOutcome {
  ok: boolean;
  why?: Why;
  /** The server's answer (its host candidates say where the media plane listens). */
  answerSdp?: string;
  /** How the echo travelled: this browser's candidate type and protocol, e.g. "host/udp", "relay/tls". */
  via?: string;
}

export const PROBE_TIMEOUT_MS = 10_000;
const GATHER_TIMEOUT_MS = 5000;

/** The ICE servers with fresh TURN credentials (GET /api/v1/ice-servers), every `urls` a list. */
export async function iceServersFor(auth: DiagAuth): Promise<IceServer[]> {
  const servers = await fetchIceServers("callToken" in auth ? auth.callToken : undefined);
  return servers.map((s) => ({
    urls: Array.isArray(s.urls) ? s.urls : [s.urls],
    ...(s.username !== undefined ? { username: s.username } : {}),
    ...(s.credential !== undefined ? { credential: String(s.credential) } : {}),
  }));
}

/** The public config's UDP range of the media plane; null when unset or not said. */
export async function fetchMediaPorts(): Promise<{ min: number; max: number } | null> {
  return (await ok(rest.GET("/api/v1/config"))).mediaPorts;
}

/** A WebSocket of the diagnostic's own; resolves once the server said hello (the signalling row). */
export function openSignalling(token: string): Promise<ProbeChannel & { close(): void }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(`token=${encodeURIComponent(token)}`));
    const pending = new Map<string, (m: ServerMessage) => void>();
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error("no hello within 5 s"));
    }, 5000);
    const channel = {
      request: (msg: ClientRequest) =>
        new Promise<ServerMessage>((done, failed) => {
          if (ws.readyState !== WebSocket.OPEN) return failed(new Error("the WebSocket is closed"));
          pending.set(sendRequest(ws, msg), done);
        }),
      close: () => ws.close(),
    };
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as ServerMessage;
      if (m.type === "hello") {
        clearTimeout(timer);
        resolve(channel);
      } else if (m.type === "error" && !m.requestId) {
        clearTimeout(timer);
        reject(new Error(m.message));
      }
      const requestId = "requestId" in m ? m.requestId : undefined;
      const waiter = requestId ? pending.get(requestId) : undefined;
      if (requestId && waiter) {
        pending.delete(requestId);
        waiter(m);
      }
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new Error("the WebSocket failed"));
    };
  });
}

/** One probe: a data channel to the media plane with `iceServers` and `policy`; ok when the echo returns. */
export async function probePath(
  channel: ProbeChannel,
  iceServers: IceServer[],
  policy: RTCIceTransportPolicy,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeOutcome> {
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: policy });
  const errors: string[] = [];
  pc.onicecandidateerror = (e) => {
    const ev = e as RTCPeerConnectionIceErrorEvent;
    errors.push(`${ev.errorCode} ${ev.errorText}`.trim());
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const dc = pc.createDataChannel(PROBE.label);
    const nonce = crypto.randomUUID();
    const echoed = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      dc.onopen = () => dc.send(nonce);
      dc.onmessage = (e) => resolve(e.data === nonce);
    });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const offer = pc.localDescription?.sdp ?? "";
    if (policy === "relay" && !/ typ relay/.test(offer)) {
      return { ok: false, why: { key: "noRelay", vars: { why: errors[0] ?? "no answer" } } };
    }
    const reply = await channel.request({ type: "media.probe", sdp: offer });
    if (reply.type !== "media.probe_answer") {
      const why = reply.type === "error" ? reply.message : reply.type;
      return { ok: false, why: { key: "refused", vars: { why } } };
    }
    await pc.setRemoteDescription({ type: "answer", sdp: reply.sdp });
    if (await echoed) return { ok: true, answerSdp: reply.sdp, via: await selectedPath(pc) };
    return {
      ok: false,
      why: { key: "timeout", vars: { seconds: String(timeoutMs / 1000) } },
      answerSdp: reply.sdp,
    };
  } finally {
    clearTimeout(timer);
    pc.close();
  }
}

/** The local candidate of the selected pair, as "type/protocol" (a relay's protocol to the TURN server). */
async function selectedPath(pc: RTCPeerConnection): Promise<string | undefined> {
  const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
  const transport = stats.find((s) => s.type === "transport" && s.selectedCandidatePairId);
  const pair = stats.find((s) =>
    transport ? s.id === transport.selectedCandidatePairId : s.type === "candidate-pair" && s.nominated,
  );
  const local = stats.find((s) => s.id === pair?.localCandidateId);
  if (!local) return undefined;
  const protocol = local.candidateType === "relay" ? (local.relayProtocol ?? local.protocol) : local.protocol;
  return `${String(local.candidateType)}/${String(protocol)}`;
}

/** Resolves when ICE gathering completes (every candidate is in the offer: the probe does not trickle). */
function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState !== "complete") return;
      clearTimeout(timer);
      resolve();
    });
  });
}
