// Seeds an org's database for the control and monitoring benches: `n` live inbound calls on the
// Support number, each answered by an agent of its own (a copy of ana); a day's ended calls;
// supervisors (copies of sofia) with a sign-in token each.
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { newCallRecord } from "../src/control/callRecord.ts";
import type { CallRecord } from "../src/control/model.ts";
import { callToRow } from "../src/storage/rows.ts";
import type { Database } from "../src/storage/schema.ts";
import type { demoOrg, TestServer } from "../test/support/server.ts";

type Org = Awaited<ReturnType<typeof demoOrg>>;

/** A call of the org on Support, answered by `agentId` now, with `p` changed. */
function inboundCall(
  org: Org,
  agentId: string | null,
  p: Partial<CallRecord>,
): Omit<CallRecord, "createdAt"> {
  return newCallRecord({
    id: randomUUID(),
    orgId: org.ana.user?.orgId as string,
    direction: "inbound",
    numberId: org.support,
    customerNumber: "+34600000000",
    state: "in_progress",
    agentId,
    answeredAt: new Date(),
    ...p,
  });
}

/**
 * `n` live calls, each with an agent of its own (copies of ana, password demo1234, emails
 * `${prefix}${i}@demo.test`): their ids, in order.
 */
export async function seedLiveCalls(
  server: TestServer,
  org: Org,
  n: number,
  prefix = "bench",
): Promise<string[]> {
  const { store } = server.earshot.services.ctx;
  const callIds: string[] = [];
  await store.transaction(async (tx) => {
    const anaUser = await tx.getUser(org.ana.id);
    for (let i = 0; i < n; i++) {
      const agentId = randomUUID();
      await tx.insertUser({
        ...(anaUser as NonNullable<typeof anaUser>),
        id: agentId,
        email: `${prefix}${i}@demo.test`,
        name: `Agent ${prefix}${i}`,
      });
      const call = inboundCall(org, agentId, { customerNumber: `+3460000${String(i).padStart(4, "0")}` });
      callIds.push(call.id);
      await tx.insertCall(call);
    }
  });
  return callIds;
}

/**
 * `n` ended inbound calls by ana, offered evenly from midnight (UTC, the board's default day)
 * until now: every 20th abandoned after a 30 s wait, the rest answered after 10 s and hung up
 * by the agent 5 minutes later. Written 1,000 rows a statement, each with its created_at,
 * straight to the store's database (the Store port inserts one call at a time, stamped now).
 */
export async function seedEndedCalls(server: TestServer, org: Org, n: number): Promise<void> {
  const { db } = server.earshot.services.ctx.store as unknown as { db: Kysely<Database> };
  const now = Date.now();
  const midnight = new Date(now).setUTCHours(0, 0, 0, 0);
  for (let start = 0; start < n; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, n - start) }, (_, k) => {
      const i = start + k;
      const offered = midnight + (Math.max(0, now - midnight - 400_000) * i) / n;
      const abandoned = i % 20 === 0;
      const call = inboundCall(org, abandoned ? null : org.ana.id, {
        state: "ended",
        answeredAt: abandoned ? null : new Date(offered + 10_000),
        endedAt: new Date(offered + (abandoned ? 30_000 : 310_000)),
        endReason: abandoned ? "abandoned" : "hangup_agent",
        queuedAt: new Date(offered),
      });
      return { ...callToRow(call), created_at: new Date(offered) };
    });
    await db
      .insertInto("calls")
      .values(rows as never)
      .execute();
  }
}

/** `n` supervisors (copies of sofia, with her Live Monitoring), each signed in: their tokens. */
export async function seedSupervisors(server: TestServer, org: Org, n: number): Promise<string[]> {
  const { ctx, directory } = server.earshot.services;
  const sofia = await ctx.store.getUser(org.sofia.id);
  const users = Array.from({ length: n }, (_, i) => ({
    ...(sofia as NonNullable<typeof sofia>),
    id: randomUUID(),
    email: `supervisor${i}@demo.test`,
    name: `Supervisor ${i}`,
  }));
  await ctx.store.transaction(async (tx) => {
    for (const u of users) await tx.insertUser(u);
  });
  const tokens: string[] = [];
  for (const u of users) tokens.push((await directory.signIn(u)).token);
  return tokens;
}
