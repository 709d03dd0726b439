// A message sent the moment the WebSocket opens is answered, not lost. The hub authenticates
// a user's socket with a database query; before the fix it listened for messages only after
// that, so a browser that sent its media.offer at once (as trickle ICE lets it) got no reply
// at all, about one run in three of the media cluster test.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { Client, startServer, type TestServer } from "../support/server.ts";

describe("WebSocket messages sent before the socket is authenticated", () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startServer(); // no media plane: an offer is refused with media_unavailable
    token = (await Client.login(server.url, "ana@demo.test")).token as string;
  });
  after(() => server?.close());

  it("are answered in order once it is", async () => {
    // PGlite runs one query at a time: while this transaction is open, the socket's
    // authentication waits, as it does for a slow database, and the messages arrive meanwhile.
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let holding = () => {};
    const holds = new Promise<void>((r) => {
      holding = r;
    });
    const transaction = server.earshot.services.ctx.store.transaction(async () => {
      holding();
      await held;
    });
    await holds;
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/api/v1/ws?token=${token}`);
    const messages: { type: string; requestId?: string; code?: string }[] = [];
    const replies = new Promise<void>((resolve) => {
      ws.on("message", (raw) => {
        messages.push(JSON.parse(String(raw)));
        if (messages.filter((m) => m.type === "error").length === 2) resolve();
      });
    });
    await new Promise<void>((resolve) => ws.once("open", () => resolve()));
    for (const requestId of ["first", "second"])
      ws.send(JSON.stringify({ type: "media.offer", requestId, callId: "x", role: "agent", sdp: "v=0" }));
    // Both messages reach the server (loopback) while its authentication still waits.
    await new Promise((r) => setTimeout(r, 200));
    release();
    await transaction;
    const result = await Promise.race([
      replies.then(() => "answered"),
      new Promise<string>((r) => setTimeout(() => r("no reply in 5 s"), 5000)),
    ]);
    ws.close();
    assert.equal(result, "answered", JSON.stringify(messages));
    assert.deepEqual(
      messages.map((m) => [m.type, m.requestId ?? null, m.code ?? null]),
      [
        ["hello", null, null],
        ["error", "first", "media_unavailable"],
        ["error", "second", "media_unavailable"],
      ],
    );
  });
});
