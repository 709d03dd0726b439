// "Where is this event made, and who receives it?" has one answer: src/control/publisher.ts.
// Every WebSocket event type (ServerEvent) has exactly one builder there, and nothing else in
// src/ builds one or publishes on the bus.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { audiences } from "./audiences.ts";
import { receives, viewFor } from "./delivery.ts";
import type { Envelope } from "./ports.ts";
import { build } from "./publisher.ts";

const SRC = join(import.meta.dirname, "..");
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
const files = sources(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, "utf8") }));

/** The ServerEvent union's types, read from the protocol. */
function serverEventTypes(): string[] {
  const text = readFileSync(join(SRC, "protocol/messages.ts"), "utf8");
  const union = text.slice(
    text.indexOf("export type ServerEvent ="),
    text.indexOf("export interface IceCandidateInit"),
  );
  return [...union.matchAll(/type: "([a-z_.]+)"/g)].map((m) => m[1]);
}

describe("the one publisher", () => {
  const types = serverEventTypes();

  it("has exactly one builder per ServerEvent type", () => {
    assert.ok(types.length >= 10, `read ${types.length} types from messages.ts`);
    assert.deepEqual(Object.keys(build).sort(), [...types].sort());
    const publisher = files.find((f) => f.path === "control/publisher.ts")?.text ?? "";
    for (const type of types) {
      const made = publisher.split(`type: "${type}"`).length - 1;
      assert.equal(made, 1, `${type} is built ${made} times in publisher.ts`);
    }
  });

  it("nothing else in src/ builds an event or publishes on the bus", () => {
    // The bus implementations and the webhook dispatcher (a bus decorator with its own payloads)
    // carry envelopes; they build none. delivery.ts makes the widget's projection of a call event
    // (a WidgetMessage), no ServerEvent.
    const carriers = new Set([
      "control/publisher.ts",
      "control/delivery.ts",
      "protocol/messages.ts",
      "events/LocalBus.ts",
      "events/RedisBus.ts",
      "webhooks/WebhookDispatcher.ts",
    ]);
    const eventType = new RegExp(`type: [^,}\\n]*"(${types.map((t) => t.replace(".", "\\.")).join("|")})"`);
    const offenders = files
      .filter((f) => !carriers.has(f.path))
      .flatMap((f) =>
        f.text
          .split("\n")
          .map((line, i) => ({ line, at: `${f.path}:${i + 1}` }))
          .filter(({ line }) => /\bbus\.publish\(/.test(line) || eventType.test(line)),
      )
      .map(({ at, line }) => `${at}: ${line.trim()}`);
    assert.deepEqual(offenders, []);
  });
});

describe("who receives an event", () => {
  const user = (id: string, role: "agent" | "supervisor" | "admin" = "agent") => ({
    id,
    orgId: "org",
    role,
    monitoringAccess: role === "agent" ? ("none" as const) : ("live_monitoring" as const),
  });
  const call = { id: "c1", state: "in_progress" as const, numberId: "n1", agentId: "ana" };
  const updated = (audience: Envelope["audience"]): Envelope => ({
    audience,
    event: { type: "call.updated", call: call as never },
  });

  it("a user in the audience gets the event itself, anyone else nothing", () => {
    const e = updated({ orgId: "org", monitors: true, userIds: ["ana"], callId: "c1" });
    assert.equal(viewFor({ user: user("ana") }, e), e.event);
    assert.equal(viewFor({ user: user("sofia", "supervisor") }, e), e.event);
    assert.equal(viewFor({ user: user("luis") }, e), null);
    assert.equal(viewFor({ user: { ...user("ana"), orgId: "other" } }, e), null);
  });

  it("the widget customer gets only its call's projection", () => {
    const e = updated({ orgId: "org", monitors: true, callId: "c1" });
    assert.deepEqual(viewFor({ user: null, widgetCallId: "c1" }, e), {
      type: "call.updated",
      call: { id: "c1", state: "in_progress", numberId: "n1", queuePosition: null },
    });
    assert.equal(viewFor({ user: null, widgetCallId: "c2" }, e), null);
  });

  it("the agent gets nothing of a session until aware, whatever their role; monitors get it", () => {
    const session = { id: "s1", callId: "c1", agentId: "ana", coachId: "sofia", agentAwareAt: null };
    const aud = { orgId: "org", monitors: true, userIds: ["ana", "sofia"] };
    const started: Envelope = {
      audience: aud,
      event: { type: "coaching.started", session: session as never },
    };
    const coached = { ...call, coachingSession: session };
    const lowered: Envelope = { audience: aud, event: { type: "hand.lowered", call: coached as never } };
    for (const ana of [user("ana"), user("ana", "admin")]) {
      assert.equal(viewFor({ user: ana }, started), null);
      assert.deepEqual(viewFor({ user: ana }, lowered), {
        type: "hand.lowered",
        call: { ...call, coachingSession: null },
      });
    }
    assert.equal(viewFor({ user: user("marco", "supervisor") }, started), started.event);
    assert.equal(viewFor({ user: user("sofia", "supervisor") }, lowered), lowered.event);
    const aware = { ...session, agentAwareAt: "2026-01-01T00:00:00.000Z" };
    const told: Envelope = {
      audience: aud,
      event: { type: "coaching.mode_changed", session: aware as never },
    };
    assert.equal(viewFor({ user: user("ana") }, told), told.event);
  });

  it("token audiences: only that token, or all but that one", () => {
    const only = audiences.tokens({ id: "ana", orgId: "org" }, { tokenHash: "t1" });
    const allBut = audiences.tokens({ id: "ana", orgId: "org" }, { exceptTokenHash: "t1" });
    assert.equal(receives({ user: user("ana"), tokenHash: "t1" }, only), true);
    assert.equal(receives({ user: user("ana"), tokenHash: "t2" }, only), false);
    assert.equal(receives({ user: user("ana"), tokenHash: "t1" }, allBut), false);
    assert.equal(receives({ user: user("ana"), tokenHash: "t2" }, allBut), true);
  });
});
