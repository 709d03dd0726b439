// The WebSocket hub's keep-alive: idle sockets are pinged (so proxies and load balancers with
// idle timeouts keep them), and a socket whose peer stops answering pings is ended.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { WebSocket } from "ws";
import { Client, startServer, type TestServer } from "../support/server.ts";

describe("WebSocket keep-alive", () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startServer({ wsHeartbeatMs: 150 });
    token = (await Client.login(server.url, "ana@demo.test")).token as string;
  });
  after(() => server?.close());

  const open = (autoPong: boolean) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/api/v1/ws?token=${token}`, { autoPong });
    return new Promise<WebSocket>((resolve, reject) => {
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    });
  };

  it("pings an idle socket that answers, and keeps it open", async () => {
    const ws = await open(true);
    let pings = 0;
    // Three pings answered (every 150 ms; bounded at 10 s, not a fixed sleep a loaded machine outlasts).
    const thirdPing = new Promise<void>((resolve) =>
      ws.on("ping", () => {
        if (++pings === 3) resolve();
      }),
    );
    await Promise.race([thirdPing, new Promise((r) => setTimeout(r, 10_000).unref())]);
    assert.ok(pings >= 3, `pings: ${pings}`);
    assert.equal(ws.readyState, ws.OPEN, "still open after three pings");
    ws.close();
  });

  it("ends a socket whose peer stopped answering pings", async () => {
    const ws = await open(false);
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    const code = await Promise.race([
      closed,
      new Promise<string>((r) => setTimeout(() => r("still open"), 3000)),
    ]);
    assert.equal(code, 1006, "the server terminated the silent socket");
  });
});
