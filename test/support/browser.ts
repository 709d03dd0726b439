// Headless Chromium parties for the media tests: Debian's Chromium with a fake microphone
// playing a tone, on the test page (browser-page.ts), driven through the page's globals.
import { type Browser, chromium, type Page } from "playwright-core";
import type { Party } from "../../src/control/routing.ts";
import {
  bundleLeg,
  type IceInfo,
  PAGE_SCRIPT,
  type PageApi,
  type SelectedPair,
  type SlotLevels,
} from "./browser-page.ts";
import type { SignalHarness } from "./signal-harness.ts";

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
    await this.page.evaluate(([c, r, k]) => (window as never as PageApi).startLeg(c, r, k), [
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
    await this.page.evaluate(([u, c, r, k, f]) => (window as never as PageApi).startLegWs(u, c, r, k, f), [
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
    return this.page.evaluate(([a, t, u, c, f]) => (window as never as PageApi).coachJoin(a, t, u, c, f), [
      apiUrl,
      token,
      wsUrl,
      callId,
      fftSize,
    ] as const);
  }

  /** Sends a raw message on the page's WebSocket and resolves with the reply to its requestId. */
  async wsRequest(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.page.evaluate((m) => (window as never as PageApi).wsRequest(m), msg);
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
    return this.page.evaluate(([d, s, h, p, t]) => (window as never as PageApi)[d](s, h, p, t), [
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
    return this.page.evaluate(() => (window as never as PageApi).selectedPair());
  }

  async iceInfo(): Promise<IceInfo> {
    return this.page.evaluate(() => (window as never as PageApi).iceInfo());
  }

  /** Every message the page's WebSocket received so far. */
  async wsMessages(): Promise<Record<string, unknown>[]> {
    return this.page.evaluate(() => (window as never as PageApi).wsMessages);
  }

  async leave(): Promise<void> {
    await this.page.evaluate(() => (window as never as PageApi).stopLeg());
  }

  /** Per slot: the level at each of `freqs`, and the dominant tones; null when no leg. */
  async levels(freqs: readonly number[]): Promise<[SlotLevels, SlotLevels] | null> {
    return this.page.evaluate((f) => (window as never as PageApi).levels(f), [...freqs]);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => {});
  }
}
