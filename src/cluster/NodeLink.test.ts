// The cluster's one request/reply helper, on an in-memory pub/sub: what reaches a node is
// checked before it is read (bad JSON and wrong shapes are logged and dropped, never thrown),
// a request times out clearly, a late reply is dropped, and a refusal comes back typed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Type } from "@sinclair/typebox";
import { EarshotError } from "../control/errors.ts";
import type { Logger } from "../control/ports.ts";
import { decode, NodeLink } from "./NodeLink.ts";

const Message = Type.Union([
  Type.Object({ op: Type.Literal("add"), a: Type.Number(), b: Type.Number() }),
  Type.Object({ op: Type.Literal("note"), text: Type.String() }),
  Type.Object({ op: Type.Literal("refuse") }),
  Type.Object({ op: Type.Literal("crash") }),
  Type.Object({ op: Type.Literal("slow") }),
]);
const Sum = Type.Object({ sum: Type.Number() });

function recorder() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, msg: string): void => {
      lines.push({ level, msg, fields });
    };
  const log: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { log, lines };
}

/** Two nodes, "a" and "b", on one in-memory pub/sub (delivery on a later tick, like Redis). */
function cluster(timeoutMs = 200) {
  const { log, lines } = recorder();
  const links = new Map<string, NodeLink<typeof Message, typeof Sum>>();
  const notes: string[] = [];
  let slow: ((sum: { sum: number }) => void) | null = null;
  const published: { channel: string; message: unknown }[] = [];
  const make = (nodeId: string) =>
    new NodeLink({
      nodeId,
      what: "test link",
      channelOf: (id) => `node:${id}`,
      publish: (channel, message) => {
        published.push({ channel, message });
        const raw = JSON.stringify(message);
        setImmediate(() => links.get(channel.slice("node:".length))?.receive(raw));
      },
      message: Message,
      reply: Sum,
      handle: (m) => {
        if (m.op === "add") return Promise.resolve({ sum: m.a + m.b });
        if (m.op === "note") notes.push(m.text);
        if (m.op === "refuse") throw new EarshotError("forbidden", "not yours");
        if (m.op === "crash") throw Object.assign(new Error("the plane broke"), { code: "media_failed" });
        if (m.op === "slow") return new Promise((resolve) => (slow = resolve));
        return undefined;
      },
      timeoutMs,
      noAnswer: "node b did not answer",
      log,
    });
  links.set("a", make("a"));
  links.set("b", make("b"));
  return {
    a: links.get("a") as NodeLink<typeof Message, typeof Sum>,
    b: links.get("b") as NodeLink<typeof Message, typeof Sum>,
    lines,
    notes,
    published,
    answerSlow: (sum: number) => slow?.({ sum }),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("NodeLink: typed requests and replies between nodes", () => {
  it("a request gets the other node's reply; a one-way message runs there", async () => {
    const c = cluster();
    assert.deepEqual(await c.a.request("b", { op: "add", a: 2, b: 3 }), { sum: 5 });
    c.a.send("b", { op: "note", text: "hello" });
    await tick();
    assert.deepEqual(c.notes, ["hello"]);
    assert.deepEqual(c.lines, []);
  });

  it("drops a message that is not JSON, with a warning, and goes on", async () => {
    const c = cluster();
    assert.doesNotThrow(() => c.b.receive("{not json"));
    assert.equal(c.lines.length, 1);
    assert.equal(c.lines[0].level, "warn");
    assert.match(c.lines[0].msg, /not JSON/);
    assert.deepEqual(await c.a.request("b", { op: "add", a: 1, b: 1 }), { sum: 2 });
  });

  it("drops a message of the wrong shape (envelope or body) with a warning; a bad request is refused", async () => {
    const c = cluster();
    c.b.receive(JSON.stringify({ kind: "send" })); // no body
    c.b.receive(JSON.stringify({ kind: "shout", body: {} }));
    c.b.receive(JSON.stringify({ kind: "send", body: { op: "add", a: "2", b: 3 } }));
    c.b.receive(JSON.stringify(null));
    assert.equal(c.lines.filter((l) => l.level === "warn" && /wrong shape/.test(l.msg)).length, 4);
    assert.deepEqual(c.notes, []);
    // A malformed request still gets an (error) reply, so its sender does not wait for nothing.
    c.b.receive(JSON.stringify({ kind: "request", id: "r1", replyTo: "a", body: { op: "nope" } }));
    const reply = c.published.at(-1) as { channel: string; message: { ok: boolean } };
    assert.equal(reply.channel, "node:a");
    assert.equal(reply.message.ok, false);
  });

  it("a domain refusal comes back as the same EarshotError; another failure keeps its message and code", async () => {
    const c = cluster();
    await assert.rejects(c.a.request("b", { op: "refuse" }), (e: unknown) => {
      assert.ok(e instanceof EarshotError);
      assert.equal(e.code, "forbidden");
      assert.equal(e.message, "not yours");
      return true;
    });
    await assert.rejects(c.a.request("b", { op: "crash" }), (e: Error & { code?: string }) => {
      assert.ok(!(e instanceof EarshotError));
      assert.equal(e.message, "the plane broke");
      assert.equal(e.code, "media_failed");
      return true;
    });
  });

  it("a request with no reply fails after its timeout with the link's message", async () => {
    const c = cluster(50);
    const started = Date.now();
    await assert.rejects(c.a.request("gone", { op: "add", a: 1, b: 2 }), /node b did not answer/);
    assert.ok(Date.now() - started >= 45);
  });

  it("a reply that comes after the timeout is dropped with a debug line", async () => {
    const c = cluster(50);
    await assert.rejects(c.a.request("b", { op: "slow" }), /did not answer/);
    c.answerSlow(7);
    await tick();
    await tick();
    const late = c.lines.filter((l) => l.level === "debug" && /no waiting request/.test(l.msg));
    assert.equal(late.length, 1);
    assert.deepEqual(
      c.lines.filter((l) => l.level !== "debug"),
      [],
    );
  });

  it("a reply of the wrong shape fails its request, with a warning", async () => {
    const c = cluster();
    const asked = c.a.request("nowhere", { op: "add", a: 1, b: 2 });
    const sent = c.published.at(-1)?.message as { id: string };
    c.a.receive(JSON.stringify({ kind: "reply", id: sent.id, ok: true, body: { sum: "three" } }));
    await assert.rejects(asked, /malformed test link reply/);
    assert.ok(c.lines.some((l) => l.level === "warn" && /reply of the wrong shape/.test(l.msg)));
  });

  it("closing fails the requests still waiting", async () => {
    const c = cluster(5000);
    const asked = c.a.request("gone", { op: "add", a: 1, b: 2 });
    c.a.close();
    await assert.rejects(asked, /shutting down/);
    await assert.rejects(c.a.request("b", { op: "add", a: 1, b: 2 }), /shutting down/);
  });

  it("decode checks a broadcast against its schema", () => {
    const { log, lines } = recorder();
    assert.deepEqual(decode('{"sum":1}', Sum, log, "sums"), { sum: 1 });
    assert.equal(decode('{"sum":"1"}', Sum, log, "sums"), null);
    assert.equal(decode("][", Sum, log, "sums"), null);
    assert.equal(lines.length, 2);
    assert.ok(lines.every((l) => l.fields.what === "sums"));
  });
});
