// The trunk under hostile input: thousands of malformed SIP messages (fast-check) over
// UDP and TCP, requests from unknown sources, an INVITE flood — while a call with a real
// phone (baresip) keeps its audio.

import assert from "node:assert/strict";
import dgram from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import type { Call } from "../../src/protocol/resources.ts";
import { Baresip, requireBaresip, writeUlawRateWav } from "../support/baresip.ts";
import { getCall } from "../support/calls.ts";
import { testMedia } from "../support/media.ts";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";
import { freePort } from "../support/services.ts";

function invite(callId: string, port: number, extra = ""): string {
  const sdp =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
  return [
    `INVITE sip:+34910000001@127.0.0.2:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK${callId}`,
    "From: <sip:fuzz@127.0.0.1>;tag=1",
    `To: <sip:+34910000001@127.0.0.2:${port}>`,
    `Call-ID: ${callId}`,
    "CSeq: 1 INVITE",
    "Contact: <sip:fuzz@127.0.0.1:5999>",
    "Max-Forwards: 70",
    "Content-Type: application/sdp",
    extra,
    `Content-Length: ${sdp.length}`,
    "",
    sdp,
  ]
    .filter((l, i, a) => l !== "" || i >= a.length - 2)
    .join("\r\n");
}

async function sendFrom(address: string, port: number, payload: Buffer, waitMs = 0): Promise<Buffer[]> {
  const sock = dgram.createSocket("udp4");
  const replies: Buffer[] = [];
  sock.on("message", (m) => replies.push(m));
  await new Promise<void>((r) => sock.bind(0, address, r));
  sock.send(payload, port, "127.0.0.2");
  await new Promise((r) => setTimeout(r, waitMs));
  sock.close();
  return replies;
}

describe("SIP trunk robustness", { timeout: 180_000 }, () => {
  let dir: string;
  let server: TestServer;
  let phone: Baresip;
  let trunkPort: number;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  let call: Call;

  before(async () => {
    requireBaresip();
    dir = mkdtempSync(join(tmpdir(), "earshot-sipfuzz-"));
    trunkPort = await freePort();
    writeUlawRateWav(join(dir, "a.wav"), 440, 120);
    phone = await Baresip.start(join(dir, "a"), {
      sipPort: await freePort(),
      ctrlPort: await freePort(),
      rtpPorts: "22000-22099",
      wav: join(dir, "a.wav"),
      users: ["alice"],
    });
    const media = await testMedia({ hosts: ["127.0.0.1"] });
    server = await startServer({
      media,
      env: {
        SIP_TRUNK_CARRIER: "127.0.0.1:5999",
        SIP_TRUNK_LISTEN: `127.0.0.2:${trunkPort}`,
        SIP_TRUNK_ALLOW: "127.0.0.1",
      },
    });
    org = await demoOrg(server.url);
    for (const u of [org.luis, org.sofia, org.marco]) await u.patch("/me", { availability: "unavailable" });
    // An ongoing call: the phone calls Support, ana answers, a server-side voice plays as the agent.
    await phone.command("dial", `sip:+34910000001@127.0.0.2:${trunkPort}`);
    for (let i = 0; i < 100 && !call; i++) {
      await new Promise((r) => setTimeout(r, 100));
      call = (await org.ana.get<{ calls: Call[] }>("/calls?live=true")).body.calls.find(
        (c) => c.state === "ringing",
      ) as Call;
    }
    await org.ana.post(`/calls/${call.id}/answer`);
    await phone.waitEvent("CALL_ESTABLISHED");
    media.attachSynthetic(call.id, "agent");
  });
  after(async () => {
    await phone?.stop();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function audioStillFlows(): Promise<void> {
    // Half a second more of decoded audio (16-bit at 8 kHz) in the phone's recording. It is due
    // within 0.5 s; the deadline is long because a loaded machine once took over a second (the
    // test then failed on a rate, which is not what it asks).
    const before = phone.recordedBytes();
    const deadline = Date.now() + 10_000;
    while (phone.recordedBytes() - before <= 8000 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok(phone.recordedBytes() - before > 8000, "the phone keeps receiving audio");
    assert.equal((await getCall(org.ana, call.id)).state, "in_progress");
  }

  it("answers 403 to an unknown source and creates nothing", async () => {
    const before = (await org.admin.get<{ calls: Call[] }>("/calls?live=true")).body.calls.length;
    const replies = await sendFrom("127.0.0.3", trunkPort, Buffer.from(invite("stranger", trunkPort)), 500);
    assert.match(replies.map((r) => r.toString()).join(""), /^SIP\/2\.0 403/m);
    assert.equal((await org.admin.get<{ calls: Call[] }>("/calls?live=true")).body.calls.length, before);
  });

  it("survives thousands of malformed messages over UDP and TCP while the call keeps its audio", async () => {
    await audioStillFlows();
    const base = invite("fuzz", trunkPort);
    const mutated = fc
      .tuple(fc.nat({ max: base.length }), fc.nat({ max: base.length }), fc.string({ maxLength: 40 }))
      .map(([a, b, junk]) => base.slice(0, Math.min(a, b)) + junk + base.slice(Math.max(a, b)));
    const headerGarbage = fc
      .array(
        fc.constantFrom(
          "Via: ",
          "CSeq: x",
          "Content-Length: 99999",
          "To: <>",
          "From: ;;",
          "Call-ID:",
          "\r\n",
          ":",
        ),
        {
          maxLength: 8,
        },
      )
      .map((lines) => `INVITE sip:x SIP/2.0\r\n${lines.join("\r\n")}\r\n\r\n`);
    const messages = fc.oneof(
      mutated,
      headerGarbage,
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 600 }).map((u) => Buffer.from(u).toString("latin1")),
    );
    const sock = dgram.createSocket("udp4");
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
    let sent = 0;
    for (const m of fc.sample(messages, { numRuns: 3000, seed: 42 })) {
      sock.send(Buffer.from(m, "latin1"), trunkPort, "127.0.0.2");
      if (++sent % 200 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    sock.send(Buffer.alloc(20_000, 65), trunkPort, "127.0.0.2"); // oversized
    sock.close();
    for (const m of fc.sample(messages, { numRuns: 200, seed: 7 })) {
      await new Promise<void>((resolve) => {
        const s = connect(trunkPort, "127.0.0.2", () => {
          s.end(Buffer.from(m, "latin1"));
        });
        s.on("error", () => resolve());
        s.on("close", () => resolve());
        setTimeout(() => {
          s.destroy();
          resolve();
        }, 200);
      });
    }
    assert.equal((await fetch(`${server.url}/api/v1/health`)).status, 200);
    await audioStillFlows();
    const options = `OPTIONS sip:earshot@127.0.0.2:${trunkPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5998;branch=z9hG4bKopt1\r\nFrom: <sip:x@127.0.0.1>;tag=9\r\nTo: <sip:earshot@127.0.0.2>\r\nCall-ID: opt1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    const replies = await sendFrom("127.0.0.1", trunkPort, Buffer.from(options), 500);
    assert.match(replies.map((r) => r.toString()).join(""), /^SIP\/2\.0 200/m, "the trunk still answers");
  });

  it("drops an INVITE flood from one source beyond its rate limit", async () => {
    const sock = dgram.createSocket("udp4");
    const replies: string[] = [];
    sock.on("message", (m) => replies.push(m.toString()));
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
    for (let i = 0; i < 200; i++)
      sock.send(
        Buffer.from(invite(`flood${i}`, trunkPort).replace("+34910000001@", "nobody@")),
        trunkPort,
        "127.0.0.2",
      );
    await new Promise((r) => setTimeout(r, 1000));
    sock.close();
    const answered = new Set(replies.map((r) => /Call-ID: (\S+)/i.exec(r)?.[1])).size;
    assert.ok(answered > 0 && answered <= 40, `${answered} of 200 flood INVITEs were answered`);
    await audioStillFlows();
  });
});
