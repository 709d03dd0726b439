// Demo data for `npm start` (SPEC §6): org "Demo", its users, numbers and contacts.
import { hashPassword } from "../control/passwords.ts";
import type { Store } from "../control/ports.ts";
import { MAX_WAIT_S } from "../protocol/calls.ts";
import type { MonitoringAccess, Role } from "../protocol/resources.ts";

export const DEMO_PASSWORD = "demo1234";
/**
 * The demo users' hash cost: 2^10, not the 2^14 of every other hash. Their password is published
 * (README, SPEC §6), so a costly hash of it protects nothing, while each demo sign-in would cost
 * the server 54 ms of CPU (the test suite signs in ≈ 700 times). A demo user who sets a password
 * of their own gets a hash at the full cost (Accounts, Directory).
 */
const DEMO_HASH_COST = 1024;

export const DEMO_USERS: {
  key: string;
  email: string;
  name: string;
  role: Role;
  monitoringAccess: MonitoringAccess;
}[] = [
  {
    key: "admin",
    email: "admin@demo.test",
    name: "Alex Admin",
    role: "admin",
    monitoringAccess: "live_monitoring_plus",
  },
  {
    key: "sofia",
    email: "sofia@demo.test",
    name: "Sofia",
    role: "supervisor",
    monitoringAccess: "live_monitoring_plus",
  },
  {
    key: "marco",
    email: "marco@demo.test",
    name: "Marco",
    role: "supervisor",
    monitoringAccess: "live_monitoring",
  },
  { key: "ana", email: "ana@demo.test", name: "Ana", role: "agent", monitoringAccess: "none" },
  { key: "luis", email: "luis@demo.test", name: "Luis", role: "agent", monitoringAccess: "none" },
];

/** Seeds the demo org into an empty database; does nothing when users exist. Returns whether it seeded. */
export async function seedDemo(store: Store, newId: () => string): Promise<boolean> {
  if ((await store.countUsers()) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD, DEMO_HASH_COST);
  await store.transaction(async (tx) => {
    const orgId = newId();
    await tx.insertOrg({ id: orgId, name: "Demo" });
    const ids: Record<string, string> = {};
    for (const u of DEMO_USERS) {
      ids[u.key] = newId();
      await tx.insertUser({
        id: ids[u.key],
        orgId,
        passwordHash,
        availability: "available",
        idleSince: null,
        ...u,
      });
    }
    await tx.insertNumber({
      id: newId(),
      orgId,
      name: "Support",
      e164: "+34910000001",
      maxWaitS: MAX_WAIT_S.default,
      userIds: [ids.ana, ids.luis, ids.sofia, ids.marco],
    });
    await tx.insertNumber({
      id: newId(),
      orgId,
      name: "Sales",
      e164: "+34910000002",
      maxWaitS: MAX_WAIT_S.default,
      userIds: [ids.luis, ids.sofia],
    });
    const contacts = [
      {
        name: "Carmen Ruiz",
        phoneNumbers: ["+34600111222"],
        company: "Ruiz Logística",
        notes: "Prefers Spanish.",
      },
      { name: "John Miller", phoneNumbers: ["+447700900123"], company: "Miller & Co", notes: null },
      {
        name: "Lucía Fernández",
        phoneNumbers: ["+34600333444", "+34910555666"],
        company: null,
        notes: "VIP customer.",
      },
    ];
    for (const c of contacts) await tx.insertContact({ id: newId(), orgId, ...c });
  });
  return true;
}

/** Phone numbers the demo caller calls from: some match contacts, some don't. */
export const DEMO_CALLERS = ["+34600111222", "+447700900123", "+34600333444", "+34699000777", "+15550100200"];
