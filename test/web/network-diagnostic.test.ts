// Issue 12 "The network diagnostic tests every path for real": the web app's check in Chromium
// against Earshot's media plane and a real coturn on loopback (UDP, TCP and TLS), with the
// TURN secret right, wrong, and with no TURN at all; and the probe's refusals on the socket.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium } from "playwright-core";
import { RTCPeerConnection } from "werift";
import WebSocket from "ws";
import { loadConfig } from "../../src/config.ts";
import { withoutDefaultStun } from "../../src/media/peerConfig.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../support/browser.ts";
import { makeTestCert, type TestCert } from "../support/certs.ts";
import { testMedia } from "../support/media.ts";
import { Client, startServer, type TestServer } from "../support/server.ts";
import { type RunningTurn, startTurn } from "../support/turn.ts";
import { cspViolations, firstUseCheck, reportingCsp, rowText } from "../support/web.ts";

const SECRET = "diagnostic-test-secret";
const MEDIA_PORTS = "46400-46499";

async function earshot(env: Record<string, string>): Promise<TestServer> {
  const media = await testMedia({ hosts: ["127.0.0.1"], portRange: [46_400, 46_499] });
  return startServer({ media, env: { EARSHOT_MEDIA_PORTS: MEDIA_PORTS, ...env } });
}

/**
 * The server's STUN/TURN settings as the operator's environment would give them. One Earshot
 * serves every case (a start costs seconds of PGlite): GET /ice-servers reads them per request.
 */
function configureIce(server: TestServer, env: Record<string, string>): void {
  server.earshot.services.ice = loadConfig({ EARSHOT_DATA_DIR: "memory://", ...env }).ice;
}

/** A data-channel offer from a werift peer (no browser needed), and that peer's answer to itself. */
async function dataChannelSdps(): Promise<{ offer: string; answer: string }> {
  const [a, b] = [new RTCPeerConnection({ iceUseIpv6: false }), new RTCPeerConnection({ iceUseIpv6: false })];
  a.createDataChannel("earshot-probe");
  withoutDefaultStun(a.sctpTransport?.dtlsTransport.iceTransport.connection ?? {}, []);
  await a.setLocalDescription(await a.createOffer());
  const offer = a.localDescription?.sdp ?? "";
  await b.setRemoteDescription({ type: "offer", sdp: offer });
  withoutDefaultStun(b.sctpTransport?.dtlsTransport.iceTransport.connection ?? {}, []);
  await b.setLocalDescription(await b.createAnswer());
  const answer = b.localDescription?.sdp ?? "";
  await Promise.all([a.close(), b.close()]);
  return { offer, answer };
}

/** Opens /api/v1/ws with `query`, sends `messages` at once, and collects replies until `done` or close. */
function exchange(
  url: string,
  query: string,
  messages: object[],
  done: (got: Record<string, unknown>[]) => boolean,
): Promise<{ got: Record<string, unknown>[]; closeCode: number | null }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace("http", "ws")}/api/v1/ws?${query}`);
    const got: Record<string, unknown>[] = [];
    const timer = setTimeout(() => finish(), 10_000);
    const finish = (closeCode: number | null = null) => {
      clearTimeout(timer);
      socket.close();
      resolve({ got, closeCode });
    };
    socket.on("open", () => {
      for (const m of messages) socket.send(JSON.stringify(m));
    });
    socket.on("message", (raw) => {
      got.push(JSON.parse(raw.toString()) as Record<string, unknown>);
      if (done(got)) finish();
    });
    socket.on("close", (code) => finish(code));
    socket.on("error", reject);
  });
}

describe("network diagnostic (Chromium, coturn on loopback)", { timeout: 240_000 }, () => {
  let cert: TestCert;
  let turn: RunningTurn;
  let browser: Browser;
  let server: TestServer;
  const turnEnv = (secret: string) => ({
    EARSHOT_TURN_URLS: [
      `turn:127.0.0.1:${turn.port}?transport=udp`,
      `turn:127.0.0.1:${turn.port}?transport=tcp`,
      `turns:127.0.0.1:${turn.tlsPort}?transport=tcp`,
    ].join(","),
    EARSHOT_TURN_SECRET: secret,
  });

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    cert = makeTestCert({ ips: ["127.0.0.1"], dns: ["localhost"] });
    turn = await startTurn({ secret: SECRET, cert });
    server = await earshot(turnEnv(SECRET));
    browser = reportingCsp(
      await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // TURN over TLS to coturn with the test's self-signed certificate.
        args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${cert.spkiHash}`],
      }),
    );
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await turn?.close();
  });

  it("with UDP, TCP and TLS TURN configured, every row works and the path is direct UDP", async () => {
    configureIce(server, turnEnv(SECRET));
    const page = await (await browser.newContext({ locale: "en-US" })).newPage();
    const { rows, via, path } = await firstUseCheck(page, server.url);
    assert.deepEqual(
      rows,
      { signalling: "ok", udp: "ok", turnUdp: "ok", turnTcp: "ok", turnTls: "ok" },
      `coturn said:\n${turn.log().slice(-3000)}`,
    );
    // Each echo came the way its row says: straight over UDP, or through coturn by that transport.
    assert.deepEqual(via, {
      udp: "host/udp",
      turnUdp: "relay/udp",
      turnTcp: "relay/tcp",
      turnTls: "relay/tls",
    });
    assert.equal(path, "udp");
    await page.getByText("This browser will send its audio straight to the media server over UDP").waitFor();
    await page.context().close();
  });

  it("with the TURN secret wrong (coturn refuses), the TURN rows fail and direct UDP works — in Spanish", async () => {
    configureIce(server, turnEnv("not-the-secret"));
    const page = await (await browser.newContext({ locale: "es-ES" })).newPage();
    const { rows, path } = await firstUseCheck(page, server.url);
    assert.deepEqual(rows, {
      signalling: "ok",
      udp: "ok",
      turnUdp: "fail",
      turnTcp: "fail",
      turnTls: "fail",
    });
    assert.equal(path, "udp");
    // Chromium reports coturn's refusal of the credentials (401) as the candidate error.
    assert.match(
      await rowText(page, "turnTls"),
      /^Relé TURN por TLS: falla — el servidor TURN no dio ninguna dirección de relé \(401/,
    );
    await page
      .getByText("Este navegador enviará su audio directamente al servidor de audio por UDP")
      .waitFor();
    await page.context().close();
  });

  it("with no TURN configured, the TURN rows say not configured", async () => {
    configureIce(server, {});
    const page = await (await browser.newContext({ locale: "en-US" })).newPage();
    const { rows, path } = await firstUseCheck(page, server.url);
    assert.deepEqual(rows, {
      signalling: "ok",
      udp: "ok",
      turnUdp: "skip",
      turnTcp: "skip",
      turnTls: "skip",
    });
    assert.equal(path, "udp");
    assert.equal(await rowText(page, "turnTcp"), "TURN relay over TCP: not configured");
    await page.context().close();
  });

  it("no page of the diagnostic met a Content-Security-Policy violation", () => {
    assert.deepEqual(cspViolations, []);
  });

  it("refuses a probe from an unauthenticated socket", async () => {
    const { offer } = await dataChannelSdps();
    const probe = { type: "media.probe", requestId: "p1", sdp: offer };
    const { got, closeCode } = await exchange(server.url, "token=forged", [probe], () => false);
    assert.equal(closeCode, 4401);
    assert.deepEqual(
      got.map((m) => [m.type, m.code]),
      [["error", "unauthenticated"]],
    );
  });

  it("refuses an SDP that is not an offer of one data channel, with a clear error", async () => {
    const ana = await Client.login(server.url, "ana@demo.test");
    const { answer } = await dataChannelSdps();
    const audio = answer.replace(
      /m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/,
      "m=audio 9 UDP/TLS/RTP/SAVPF 0",
    );
    const msgs = [
      { type: "media.probe", requestId: "answer", sdp: answer },
      { type: "media.probe", requestId: "audio", sdp: audio },
      { type: "media.probe", requestId: "text", sdp: "hello" },
    ];
    const { got } = await exchange(server.url, `token=${ana.token}`, msgs, (g) => g.length >= 4);
    const reply = (id: string) => got.find((m) => m.requestId === id);
    assert.equal(reply("answer")?.code, "signalling_error");
    assert.match(String(reply("answer")?.message), /not an offer \(an offer's a=setup is actpass\)/);
    assert.match(String(reply("audio")?.message), /exactly one data channel section/);
    assert.match(String(reply("text")?.message), /not an SDP session description/);
  });

  it("lets a widget call's token holder probe, at most 8 probes at a time per connection", async () => {
    const numbers = await (await Client.login(server.url, "admin@demo.test")).get<{
      numbers: { id: string }[];
    }>("/numbers");
    const anon = new Client(server.url, null, null);
    const call = await anon.post<{ callToken: string }>("/widget/calls", {
      numberId: numbers.body.numbers[0].id,
    });
    assert.equal(call.status, 201, JSON.stringify(call.body));
    const { offer } = await dataChannelSdps();
    const probes = Array.from({ length: 9 }, (_, i) => ({
      type: "media.probe",
      requestId: `p${i}`,
      sdp: offer,
    }));
    const { got } = await exchange(
      server.url,
      `callToken=${encodeURIComponent(call.body.callToken)}`,
      probes,
      (g) => g.filter((m) => typeof m.requestId === "string").length >= 9,
    );
    const replies = got.filter((m) => typeof m.requestId === "string");
    assert.equal(replies.filter((m) => m.type === "media.probe_answer").length, 8);
    const refused = replies.filter((m) => m.type === "error");
    assert.deepEqual(
      refused.map((m) => m.code),
      ["rate_limited"],
    );
  });
});
