// WebSocket abuse limits through the real channel (SPEC §7, issue 13): open sockets per token
// and per client address, a message flood closes the socket with a reason, and an oversized
// frame closes it with one warning in the log instead of an error with a stack.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { demoOrg, startServer, type TestServer } from "../support/server.ts";

/** Opens a socket; resolves with it once the server said hello, or with the HTTP refusal. */
function open(
  url: string,
  query: string,
  headers: Record<string, string> = {},
): Promise<{ socket?: WebSocket; refused?: { status: number; retryAfter?: string } }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace("http", "ws")}/api/v1/ws?${query}`, { headers });
    socket.once("unexpected-response", (_req, res) => {
      resolve({ refused: { status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string } });
      res.resume();
    });
    socket.once("message", () => resolve({ socket }));
    socket.once("error", reject);
  });
}

const closed = (socket: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );

describe("WebSocket limits", () => {
  let server: TestServer;
  let org: Awaited<ReturnType<typeof demoOrg>>;
  const lines: { level: number; msg: string; stack?: string; err?: { stack?: string } }[] = [];
  const sockets: WebSocket[] = [];
  before(async () => {
    server = await startServer({
      env: {
        LOG_LEVEL: "warn",
        EARSHOT_TRUST_PROXY: "1",
        EARSHOT_WS_MAX_PER_TOKEN: "3",
        EARSHOT_WS_MAX_PER_IP: "4",
        EARSHOT_WS_MSG_BURST: "20",
        EARSHOT_WS_MSG_PER_S: "10",
      },
      logStream: new Writable({
        write(chunk, _enc, done) {
          for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
          done();
        },
      }),
    });
    org = await demoOrg(server.url);
  });
  after(async () => {
    for (const s of sockets) s.terminate();
    await server?.close();
  });

  it("a fourth socket for one token is refused (429, Retry-After); closing one admits another", async () => {
    const ip = { "x-forwarded-for": "198.51.100.20" };
    for (let i = 0; i < 3; i++) {
      const r = await open(server.url, `token=${org.ana.token}`, ip);
      assert.ok(r.socket, `socket ${i}: ${JSON.stringify(r.refused)}`);
      sockets.push(r.socket);
    }
    const fourth = await open(server.url, `token=${org.ana.token}`, { "x-forwarded-for": "198.51.100.21" });
    assert.equal(fourth.refused?.status, 429);
    assert.ok(Number(fourth.refused?.retryAfter) >= 1);
    // Another user is not counted against ana.
    const luis = await open(server.url, `token=${org.luis.token}`, { "x-forwarded-for": "198.51.100.21" });
    assert.ok(luis.socket);
    sockets.push(luis.socket);
    const gone = sockets.shift() as WebSocket;
    const done = closed(gone);
    gone.close();
    await done;
    await new Promise((r) => setTimeout(r, 100));
    const again = await open(server.url, `token=${org.ana.token}`, ip);
    assert.ok(again.socket, JSON.stringify(again.refused));
    sockets.push(again.socket);
  });

  it("a fifth socket from one address is refused, whatever the tokens", async () => {
    const ip = { "x-forwarded-for": "203.0.113.30" };
    const users = [org.admin, org.sofia, org.marco, org.luis];
    for (const u of users) {
      const r = await open(server.url, `token=${u.token}`, ip);
      assert.ok(r.socket, JSON.stringify(r.refused));
      sockets.push(r.socket);
    }
    const fifth = await open(server.url, "token=not-a-token", ip);
    assert.equal(fifth.refused?.status, 429);
  });

  it("a socket that floods messages is closed with 1008 and a reason; a calm one stays open", async () => {
    const ip = { "x-forwarded-for": "192.0.2.40" };
    const calm = (await open(server.url, `token=${org.sofia.token}`, ip)).socket as WebSocket;
    const flood = (await open(server.url, `token=${org.marco.token}`, ip)).socket as WebSocket;
    sockets.push(calm, flood);
    const end = closed(flood);
    for (let i = 0; i < 500 && flood.readyState === WebSocket.OPEN; i++) flood.send('{"type":"ping"}');
    const { code, reason } = await end;
    assert.equal(code, 1008);
    assert.equal(reason, "too many messages");
    for (let i = 0; i < 10; i++) calm.send('{"type":"ping"}');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(calm.readyState, WebSocket.OPEN);
  });

  it("an oversized frame closes the socket (1009) with one warning and no stack in the log", async () => {
    const ip = { "x-forwarded-for": "192.0.2.41" };
    lines.length = 0;
    for (let i = 0; i < 3; i++) {
      const s = (await open(server.url, `token=${org.admin.token}`, ip)).socket as WebSocket;
      const end = closed(s);
      s.send(Buffer.alloc(100 * 1024, 0x20));
      assert.equal((await end).code, 1009);
    }
    await new Promise((r) => setTimeout(r, 200));
    const errors = lines.filter((l) => l.level >= 50);
    assert.deepEqual(errors, [], "nothing at error level");
    assert.ok(
      lines.every((l) => !l.stack && !l.err?.stack),
      "no stack traces",
    );
    const warnings = lines.filter((l) => l.level === 40 && /protocol/.test(l.msg));
    assert.equal(warnings.length, 3, JSON.stringify(lines));
  });
});
