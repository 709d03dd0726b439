// Captures real browser offers for the SDP unit vectors (src/media/fixtures/sdp/): a call leg's
// offer (the microphone and two receive slots, as web/src/media/leg.ts makes it) and a network
// probe's (one data channel, as web/app/src/probe.ts), from Debian's Chromium and firefox-esr,
// headless, with fake microphones and loopback ICE. Run: node --import tsx scripts/capture-sdp.ts
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../test/support/browser.ts";
import { launchFirefox } from "../test/support/web.ts";

const server = createServer((_req, res) => res.end("<!doctype html><title>sdp</title>"));
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const url = `http://localhost:${(server.address() as AddressInfo).port}/`;

async function offers(browser: Browser): Promise<{ leg: string; probe: string }> {
  const page = await browser.newPage();
  await page.goto(url);
  // A string, not a function: tsx would add helpers the page does not have.
  const result = (await page.evaluate(`(async () => {
    const gathered = (pc) =>
      new Promise((resolve) => {
        if (pc.iceGatheringState === "complete") resolve();
        pc.addEventListener("icegatheringstatechange", () => {
          if (pc.iceGatheringState === "complete") resolve();
        });
      });
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const pc = new RTCPeerConnection();
    pc.addTransceiver(stream.getAudioTracks()[0], { direction: "sendonly", streams: [stream] });
    pc.addTransceiver("audio", { direction: "recvonly" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const probe = new RTCPeerConnection();
    probe.createDataChannel("probe");
    await probe.setLocalDescription(await probe.createOffer());
    await gathered(probe);
    return { leg: pc.localDescription.sdp, probe: probe.localDescription.sdp };
  })()`)) as { leg: string; probe: string };
  await browser.close();
  return result;
}

const dir = new URL("../src/media/fixtures/sdp/", import.meta.url);
const chromiumOffers = await offers(
  await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
);
const firefoxOffers = await offers(await launchFirefox());
for (const [browser, o] of [
  ["chromium", chromiumOffers],
  ["firefox", firefoxOffers],
] as const) {
  writeFileSync(new URL(`${browser}-leg-offer.sdp`, dir), o.leg);
  writeFileSync(new URL(`${browser}-probe-offer.sdp`, dir), o.probe);
}
server.close();
