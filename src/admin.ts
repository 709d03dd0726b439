// `npm run admin -- create-user --email … --name … --role admin [--org …]`: creates a user
// (and its organisation) from a shell, for scripted installs. The password is read from
// EARSHOT_ADMIN_PASSWORD or standard input, never from the command line (which `ps` shows).
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.ts";
import { EarshotError } from "./control/errors.ts";
import { checkNewPassword } from "./control/passwordRules.ts";
import type { MonitoringAccess, Role } from "./protocol/resources.ts";
import { DataDirInUse } from "./storage/dataDirLock.ts";

const USAGE = `usage: npm run admin -- create-user --email EMAIL --name NAME --role admin|supervisor|agent [--org ORG] [--monitoring none|live_monitoring|live_monitoring_plus]
the password comes from EARSHOT_ADMIN_PASSWORD or standard input (one line)`;

const ROLES = ["admin", "supervisor", "agent"];
const ACCESS = ["none", "live_monitoring", "live_monitoring_plus"];

function usage(problem: string): never {
  console.error(`earshot admin: ${problem}\n${USAGE}`);
  process.exit(2);
}

/** One line from standard input; on a terminal, typed without echo. */
async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) process.stderr.write("Password: ");
  if (stdin.isTTY) stdin.setRawMode(true);
  let text = "";
  for await (const chunk of stdin) {
    text += String(chunk);
    if (stdin.isTTY && text.includes("\u0003")) usage("cancelled");
    if (/[\r\n]/.test(text)) break;
  }
  if (stdin.isTTY) {
    stdin.setRawMode(false);
    process.stderr.write("\n");
  }
  stdin.pause();
  return text.split(/\r?\n|\r/)[0];
}

async function main(): Promise<void> {
  const { positionals, values } = (() => {
    try {
      return parseArgs({
        allowPositionals: true,
        options: {
          email: { type: "string" },
          name: { type: "string" },
          role: { type: "string" },
          org: { type: "string" },
          monitoring: { type: "string" },
          password: { type: "string" },
        },
      });
    } catch (e) {
      return usage((e as Error).message);
    }
  })();
  if (positionals[0] !== "create-user" || positionals.length !== 1) usage("the one command is create-user");
  if (values.password !== undefined)
    usage("never put a password on the command line: use EARSHOT_ADMIN_PASSWORD or standard input");
  const { email, name, role, org, monitoring } = values;
  if (!email || !name || !role) usage("--email, --name and --role are required");
  if (!ROLES.includes(role)) usage(`--role must be one of ${ROLES.join(", ")}`);
  if (monitoring !== undefined && !ACCESS.includes(monitoring))
    usage(`--monitoring must be one of ${ACCESS.join(", ")}`);
  if (org !== undefined && org.trim() === "") usage("--org needs a name");
  const config = loadConfig();
  const password = process.env.EARSHOT_ADMIN_PASSWORD || (await readPassword());
  if (!password) usage("no password: set EARSHOT_ADMIN_PASSWORD or write it on standard input");
  // A refusal (usage, configuration, a weak password) comes before the database and the rest of
  // the app are even loaded (≈ 2 s of CPU): only then are they.
  await checkNewPassword(password);
  const [{ createUserWithOrg }, { fallbackLogger }, { openDatabase }, { KyselyStore }] = await Promise.all([
    import("./control/Accounts.ts"),
    import("./logger.ts"),
    import("./storage/database.ts"),
    import("./storage/KyselyStore.ts"),
  ]);
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    log: fallbackLogger,
  });
  try {
    const user = await createUserWithOrg(new KyselyStore(database.db), randomUUID, {
      email,
      name,
      password,
      role: role as Role,
      monitoringAccess: monitoring as MonitoringAccess | undefined,
      orgName: org,
    });
    const orgName = (await new KyselyStore(database.db).listOrgs()).find((o) => o.id === user.orgId)?.name;
    console.log(`earshot admin: created ${user.role} ${user.email} in organisation "${orgName}"`);
  } finally {
    await database.close();
  }
}

main().catch((e) => {
  if (e instanceof ConfigError) {
    console.error(`earshot admin: invalid configuration: ${e.message}`);
    process.exit(2);
  }
  if (e instanceof DataDirInUse) {
    console.error(`earshot admin: ${e.message} (or create the user in the web app's admin page)`);
    process.exit(2);
  }
  console.error(
    `earshot admin: ${e instanceof EarshotError ? e.message : `failed: ${(e as Error).message}`}`,
  );
  process.exit(1);
});
