// Browser test harness for the media plane: an HTTP server that serves a page
// running web/src/media/leg.ts (bundled with esbuild) and answers its offers with
// a MediaNode, and headless Chromium parties with fake-microphone tones.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import type { Party } from "../../src/control/routing.ts";
import type { MediaNode } from "../../src/media/MediaNode.ts";
import { MediaError } from "../../src/media/MediaTypes.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Chromium as the tests run it: no network chatter, fake microphone and camera UI. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
];

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

const PAGE_SCRIPT = `
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

export interface SignalHarness {
  readonly url: string;
  /** Legs answered so far, by "callId/role". */
  readonly legs: Map<string, string>;
  close(): Promise<void>;
}

/**
 * Serves the test page and answers POST /signal?call=&role= with node.getCall(call).attachWebRtc(role, body).
 * Without a node, the page signals only through Earshot's WebSocket (startLegWs).
 */
export async function startSignalHarness(node?: MediaNode): Promise<SignalHarness> {
  const script = await bundleLeg();
  const html = `<!doctype html><meta charset="utf-8"><title>media test</title><script>${script}</script><script>${PAGE_SCRIPT}</script>`;
  const legs = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "GET" && url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(html);
      return;
    }
    if (req.method === "POST" && url.pathname === "/signal") {
      const callId = url.searchParams.get("call") ?? "";
      const role = url.searchParams.get("role") as Party;
      readBody(req)
        .then(async (offer) => {
          const call = node?.getCall(callId);
          if (!call) throw new Error(`no call ${callId}`);
          const { legId, answerSdp } = await call.attachWebRtc(role, offer);
          legs.set(`${callId}/${role}`, legId);
          res.writeHead(200, { "content-type": "application/sdp" }).end(answerSdp);
        })
        .catch((error: unknown) => {
          const code = error instanceof MediaError ? error.code : "internal";
          res
            .writeHead(400, { "content-type": "application/json" })
            .end(JSON.stringify({ code, message: String(error) }));
        });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    legs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });
}

export interface SlotLevels {
  /** dB at each requested frequency, in the order asked. */
  levels: number[];
  /** The slot's dominant tones, Hz. */
  tones: number[];
}

/** Starts a headless Chromium with CHROMIUM_ARGS and `args`: here, or e.g. in a namespace (launchChromiumIn). */
export type Launcher = (args: string[]) => Promise<Browser>;

/** Chromium in this process's own network namespace. */
export const launchHere: Launcher = (args) =>
  chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...args] });

/** One headless Chromium process whose fake microphone plays `toneWav`. */
export class BrowserParty {
  private constructor(
    readonly name: string,
    readonly browser: Browser,
    readonly page: Page,
  ) {}

  /** Launches (with `launcher`, here by default) and opens `harness.url` (about:blank, then moveTo, works too). */
  static async launch(
    name: string,
    harness: Pick<SignalHarness, "url">,
    toneWav: string,
    launcher: Launcher = launchHere,
  ): Promise<BrowserParty> {
    const browser = await launcher([`--use-file-for-fake-audio-capture=${toneWav}`]);
    try {
      // moveTo() injects the test scripts into Earshot's own pages, whose CSP allows no inline script.
      const page = await browser.newPage({ bypassCSP: true });
      page.on("pageerror", (e) => console.error(`[${name}] page error:`, e));
      await page.goto(harness.url);
      return new BrowserParty(name, browser, page);
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  /** Starts (or restarts, as a new leg) this party's media leg; resolves when connected. */
  async join(callId: string, role: Party, codec: "opus" | "pcmu"): Promise<void> {
    await this.page.evaluate(([c, r, k]) => (window as never as Api).startLeg(c, r, k), [
      callId,
      role,
      codec,
    ] as const);
  }

  /** Starts this party's leg through Earshot's WebSocket signalling at `wsUrl`. */
  async joinViaApi(
    wsUrl: string,
    callId: string,
    role: Party,
    codec: "opus" | "pcmu",
    fftSize = 0,
  ): Promise<void> {
    await this.page.evaluate(([u, c, r, k, f]) => (window as never as Api).startLegWs(u, c, r, k, f), [
      wsUrl,
      callId,
      role,
      codec,
      fftSize,
    ] as const);
  }

  /** Opens `url` (e.g. a page of Earshot itself, for same-origin API calls) and loads the test scripts into it. */
  async moveTo(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.addScriptTag({ content: await bundleLeg() });
    await this.page.addScriptTag({ content: PAGE_SCRIPT });
  }

  /** Starts coaching `callId` from the page: POST …/coaching and the coach's media leg concurrently. */
  async coachJoin(
    apiUrl: string,
    token: string,
    wsUrl: string,
    callId: string,
    fftSize = 0,
  ): Promise<{ id: string }> {
    return this.page.evaluate(([a, t, u, c, f]) => (window as never as Api).coachJoin(a, t, u, c, f), [
      apiUrl,
      token,
      wsUrl,
      callId,
      fftSize,
    ] as const);
  }

  /** Sends a raw message on the page's WebSocket and resolves with the reply to its requestId. */
  async wsRequest(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.page.evaluate((m) => (window as never as Api).wsRequest(m), msg);
  }

  /** Resolves (ms waited in the page) once `hz` is present / absent in `slot`. */
  async waitTone(slot: 0 | 1, hz: number, present: boolean, timeoutMs = 5000): Promise<number> {
    return this.#tone("waitTone", slot, hz, present, timeoutMs);
  }

  /**
   * Like waitTone, but on the slot's track frame by frame instead of the WebAudio analyser
   * (Chromium). Resolves with the moment the page read the frame, as epoch ms
   * (performance.timeOrigin + now(), comparable with this process's), so the DevTools
   * round trip back is not counted.
   */
  async waitToneAtTrack(slot: 0 | 1, hz: number, present: boolean, timeoutMs = 5000): Promise<number> {
    return this.#tone("waitToneAtTrack", slot, hz, present, timeoutMs);
  }

  #tone(
    detector: "waitTone" | "waitToneAtTrack",
    slot: 0 | 1,
    hz: number,
    present: boolean,
    timeoutMs: number,
  ): Promise<number> {
    return this.page.evaluate(([d, s, h, p, t]) => (window as never as Api)[d](s, h, p, t), [
      detector,
      slot,
      hz,
      present,
      timeoutMs,
    ] as const);
  }

  /** The leg's ICE: its server port (from the answer's host candidate), state and restarts so far. */
  /** STUN/TURN servers (and the transport policy) of this party's next legs. */
  async setIce(iceServers: RTCIceServer[], iceTransportPolicy: RTCIceTransportPolicy = "all"): Promise<void> {
    await this.page.evaluate(
      ([servers, policy]) => {
        (window as never as { legIce: object }).legIce = { iceServers: servers, iceTransportPolicy: policy };
      },
      [iceServers, iceTransportPolicy] as const,
    );
  }

  /** The leg's nominated candidate pair (getStats): local candidate type and transport. */
  async selectedPair(): Promise<SelectedPair | null> {
    return this.page.evaluate(() => (window as never as Api).selectedPair());
  }

  async iceInfo(): Promise<IceInfo> {
    return this.page.evaluate(() => (window as never as Api).iceInfo());
  }

  /** Every message the page's WebSocket received so far. */
  async wsMessages(): Promise<Record<string, unknown>[]> {
    return this.page.evaluate(() => (window as never as Api).wsMessages);
  }

  async leave(): Promise<void> {
    await this.page.evaluate(() => (window as never as Api).stopLeg());
  }

  /** Per slot: the level at each of `freqs`, and the dominant tones; null when no leg. */
  async levels(freqs: readonly number[]): Promise<[SlotLevels, SlotLevels] | null> {
    return this.page.evaluate((f) => (window as never as Api).levels(f), [...freqs]);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => {});
  }
}

export interface IceInfo {
  legId: string | null;
  serverPort: number | null;
  iceState: string | null;
  connectionState: string | null;
  restarts: Array<{ reason: string; error: string | null; at: number }>;
}

interface Api {
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
