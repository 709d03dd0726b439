// What runs in a media test's page: web/src/media/leg.ts bundled (esbuild) and the script that
// drives it (PAGE_SCRIPT: legs signalled by HTTP or Earshot's WebSocket, tone detectors, ICE and
// stats read-outs), and the shapes of what it hands back. BrowserParty (browser.ts) calls it.
import { build } from "esbuild";

let bundle: Promise<string> | undefined;

/** web/src/media/leg.ts as one script exposing `EarshotMedia.AudioLeg`. */
export function bundleLeg(): Promise<string> {
  bundle ??= build({
    entryPoints: [new URL("../../web/src/media/leg.ts", import.meta.url).pathname],
    bundle: true,
    write: false,
    format: "iife",
    globalName: "EarshotMedia",
    target: "chrome120",
  }).then((r) => r.outputFiles[0].text);
  return bundle;
}

export const PAGE_SCRIPT = `
let leg = null;
window.startLeg = async (callId, role, codec) => {
  if (leg) leg.close();
  leg = await EarshotMedia.AudioLeg.start({
    role, codec, muted: true,
    signal: async (sdp) => {
      const r = await fetch("/signal?call=" + encodeURIComponent(callId) + "&role=" + role, { method: "POST", body: sdp });
      const text = await r.text();
      if (!r.ok) throw new Error(text);
      return text;
    },
  });
  await leg.connected(15000);
  return leg.state;
};
window.stopLeg = () => { if (leg) leg.close(); leg = null; };
// The same leg signalled the way the web app does: media.offer on Earshot's WebSocket, then
// candidates both ways (media.candidate) and ICE restarts (media.restart) for the same leg.
let ws = null;
let wsLegId = null;
let wsLeg = null;
window.wsMessages = [];
window.iceRestarts = [];
window.legId = () => wsLegId;
// STUN/TURN for the next legs (setIce), as the web app gets them from /api/v1/ice-servers.
window.legIce = {};
const wsLegOptions = (callId, role, before) => ({
  ...window.legIce,
  onLeg: (l) => { wsLeg = l; },
  signal: async (sdp, restart) => {
    if (!restart && before) await before();
    const m = await window.wsRequest(restart
      ? { type: "media.restart", legId: wsLegId, sdp }
      : { type: "media.offer", callId, role, sdp });
    if (m.type !== "media.answer") throw new Error(m.code + ": " + m.message);
    wsLegId = m.legId;
    return m.sdp;
  },
  sendCandidate: (candidate) => {
    if (wsLegId && ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "media.candidate", legId: wsLegId, candidate }));
  },
  onRestart: (reason, error) => window.iceRestarts.push({ reason, error: error ? String(error) : null, at: Date.now() }),
});
const ensureWs = async (wsUrl) => {
  if (ws && ws.readyState === 1 && ws.url === wsUrl) return;
  if (ws) ws.close();
  ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error("ws failed")); });
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    window.wsMessages.push(m);
    if (m.type === "media.candidate" && wsLeg && m.legId === wsLegId) wsLeg.addRemoteCandidate(m.candidate);
    const waiter = m.requestId && window.wsPending.get(m.requestId);
    if (waiter) { window.wsPending.delete(m.requestId); waiter(m); }
  };
};
window.startLegWs = async (wsUrl, callId, role, codec, fftSize) => {
  if (leg) leg.close();
  leg = null;
  await ensureWs(wsUrl);
  leg = await EarshotMedia.AudioLeg.start({
    role, codec, muted: true, fftSize: fftSize || undefined,
    ...wsLegOptions(callId, role),
  });
  await leg.connected(15000);
  return leg.state;
};
// Resolves when \`hz\` rises above (present) or falls below (absent) a level in \`slot\`; polls every 5 ms.
window.waitTone = (slot, hz, present, timeoutMs) => new Promise((resolve, reject) => {
  const start = performance.now();
  const tick = () => {
    const db = leg ? leg.levelAt(slot, hz) : -Infinity;
    if (present ? db > -45 : db < -60) return resolve(performance.now() - start);
    if (performance.now() - start > timeoutMs) return reject(new Error("tone " + hz + " not " + (present ? "present" : "absent")));
    setTimeout(tick, 5);
  };
  tick();
});
// The same, measured on the slot's track itself, frame by frame (10 ms, Goertzel at \`hz\`),
// with no AnalyserNode: what the track hands the <audio> element, without the AudioContext's own
// buffering (≈ 30–40 ms in Chromium). Chromium only (MediaStreamTrackProcessor).
const trackWatchers = new WeakMap();
window.waitToneAtTrack = (slot, hz, present, timeoutMs) => new Promise((resolve, reject) => {
  if (typeof MediaStreamTrackProcessor !== "function") return reject(new Error("no MediaStreamTrackProcessor"));
  const track = leg.slots[slot].stream.getAudioTracks()[0];
  let waiters = trackWatchers.get(track);
  if (!waiters) {
    waiters = new Set();
    trackWatchers.set(track, waiters);
    const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    let samples = new Float32Array(0);
    (async () => {
      for (;;) {
        const { value: frame, done } = await reader.read();
        if (done) return;
        const n = frame.numberOfFrames;
        if (samples.length !== n) samples = new Float32Array(n);
        frame.copyTo(samples, { planeIndex: 0, format: "f32-planar" });
        const rate = frame.sampleRate;
        frame.close();
        for (const w of waiters) {
          // Goertzel: the tone's amplitude in this frame, dB re full scale.
          const k = 2 * Math.cos((2 * Math.PI * w.hz) / rate);
          let s1 = 0, s2 = 0;
          for (let i = 0; i < n; i++) { const s0 = samples[i] + k * s1 - s2; s2 = s1; s1 = s0; }
          const db = 10 * Math.log10((s1 * s1 + s2 * s2 - k * s1 * s2) / ((n * n) / 4) + 1e-20);
          if (w.present ? db > -40 : db < -60) { waiters.delete(w); clearTimeout(w.timer); w.resolve(performance.timeOrigin + performance.now()); }
        }
      }
    })().catch(() => {});
  }
  const w = { hz, present, resolve };
  w.timer = setTimeout(() => { waiters.delete(w); reject(new Error("tone " + hz + " not " + (present ? "present" : "absent") + " at the track")); }, timeoutMs);
  waiters.add(w);
});
// A coach joins the way the web app does: POST …/coaching and the media leg's set-up run
// concurrently; the offer is sent as soon as the session exists.
window.coachJoin = async (apiUrl, token, wsUrl, callId, fftSize) => {
  const session = fetch(apiUrl + "/calls/" + callId + "/coaching", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer " + token },
    body: "{}",
  }).then((r) => r.json());
  if (leg) leg.close();
  leg = null;
  await ensureWs(wsUrl);
  leg = await EarshotMedia.AudioLeg.start({
    role: "coach", muted: true, fftSize: fftSize || undefined,
    ...wsLegOptions(callId, "coach", async () => {
      const s = await session;
      if (!s.session) throw new Error(JSON.stringify(s));
    }),
  });
  return (await session).session;
};
window.wsPending = new Map();
window.wsRequest = (msg) => new Promise((resolve) => {
  const requestId = Math.random().toString(36).slice(2);
  window.wsPending.set(requestId, resolve);
  ws.send(JSON.stringify({ ...msg, requestId }));
});
// The leg's ICE as the page sees it: the server's UDP port (its host candidate), state, restarts.
window.iceInfo = () => {
  const l = leg || wsLeg;
  const sdp = (l && l.pc.remoteDescription && l.pc.remoteDescription.sdp) || "";
  const m = /^a=candidate:\\S+ 1 udp \\d+ \\S+ (\\d+) typ host/m.exec(sdp);
  return {
    legId: wsLegId,
    serverPort: m ? Number(m[1]) : null,
    iceState: l ? l.pc.iceConnectionState : null,
    connectionState: l ? l.pc.connectionState : null,
    restarts: window.iceRestarts,
  };
};
// The nominated pair of the leg, from getStats: how this browser's audio travels.
window.selectedPair = async () => {
  const l = leg || wsLeg;
  if (!l) return null;
  const stats = [...(await l.pc.getStats()).values()];
  const transport = stats.find((s) => s.type === "transport" && s.selectedCandidatePairId);
  const pair = stats.find((s) => s.type === "candidate-pair" && (transport ? s.id === transport.selectedCandidatePairId : s.nominated && s.state === "succeeded"));
  const local = pair && stats.find((s) => s.id === pair.localCandidateId);
  const remote = pair && stats.find((s) => s.id === pair.remoteCandidateId);
  return local ? { localType: local.candidateType, protocol: local.protocol, relayProtocol: local.relayProtocol ?? null, remoteType: remote ? remote.candidateType : null, remoteAddress: remote ? remote.address : null } : null;
};
window.levels = (freqs) => {
  if (!leg) return null;
  return [0, 1].map((slot) => ({
    levels: freqs.map((f) => leg.levelAt(slot, f)),
    tones: leg.dominantTones(slot),
  }));
};
`;

export interface SelectedPair {
  /** host, srflx, prflx or relay. */
  localType: string;
  protocol: string;
  /** How a relay candidate reaches the TURN server: udp, tcp or tls. */
  relayProtocol: string | null;
  remoteType: string | null;
  /** Where this browser sends its media: the media plane's announced address. */
  remoteAddress: string | null;
}

export interface SlotLevels {
  /** dB at each requested frequency, in the order asked. */
  levels: number[];
  /** The slot's dominant tones, Hz. */
  tones: number[];
}

export interface IceInfo {
  legId: string | null;
  serverPort: number | null;
  iceState: string | null;
  connectionState: string | null;
  restarts: Array<{ reason: string; error: string | null; at: number }>;
}

/** The page's globals, as BrowserParty calls them. */
export interface PageApi {
  iceInfo(): IceInfo;
  selectedPair(): Promise<SelectedPair | null>;
  waitToneAtTrack(slot: number, hz: number, present: boolean, timeoutMs: number): Promise<number>;
  startLeg(callId: string, role: string, codec: string): Promise<string>;
  startLegWs(wsUrl: string, callId: string, role: string, codec: string, fftSize: number): Promise<string>;
  wsRequest(msg: Record<string, unknown>): Promise<Record<string, unknown>>;
  wsMessages: Record<string, unknown>[];
  coachJoin(
    apiUrl: string,
    token: string,
    wsUrl: string,
    callId: string,
    fftSize: number,
  ): Promise<{ id: string }>;
  waitTone(slot: number, hz: number, present: boolean, timeoutMs: number): Promise<number>;
  stopLeg(): void;
  levels(freqs: number[]): [SlotLevels, SlotLevels] | null;
}
