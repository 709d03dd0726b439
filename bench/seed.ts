// Seeds an org's database with `n` live inbound calls on the Support number, each answered by
// an agent of its own (a copy of ana): what the control and monitoring benches measure against.
import { randomUUID } from "node:crypto";
import type { demoOrg, TestServer } from "../test/support/server.ts";

export async function seedLiveCalls(
  server: TestServer,
  org: Awaited<ReturnType<typeof demoOrg>>,
  n: number,
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
        email: `bench${i}@demo.test`,
        name: `Agent ${i}`,
      });
      const id = randomUUID();
      callIds.push(id);
      await tx.insertCall({
        id,
        orgId: org.ana.user?.orgId as string,
        direction: "inbound",
        state: "in_progress",
        numberId: org.support,
        agentId,
        ringingUserIds: [],
        customerNumber: `+3460000${String(i).padStart(4, "0")}`,
        contactId: null,
        emergency: false,
        conference: false,
        externalTransfer: false,
        transferredTo: null,
        agentMuted: false,
        customerChannel: "demo",
        tags: [],
        handRaised: false,
        answeredAt: new Date(),
        endedAt: null,
        endReason: null,
        nodeId: null,
        thirdParty: null,
        queuedAt: null,
        transfer: null,
      });
    }
  });
  return callIds;
}
