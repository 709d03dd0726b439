// `npm start`: reads the configuration, builds Earshot, listens, prints where to go.
// Only the configuration is loaded before it is checked: the app (≈ 2 s of CPU to load) comes
// after, so a bad value is refused at once.
import { networkInterfaces } from "node:os";
import { ConfigError, isLoopbackHost, loadConfig } from "./config.ts";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`earshot: invalid configuration: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const [{ createEarshot }, { createMedia }, { DataDirInUse }, { DEMO_PASSWORD, DEMO_USERS }] =
    await Promise.all([
      import("./app.ts"),
      import("./media/nodeMedia.ts"),
      import("./storage/dataDirLock.ts"),
      import("./storage/demoData.ts"),
    ]);
  const media = await createMedia(config.mediaWorkers, {
    hosts: config.mediaHosts ?? machineAddresses(),
    portRange: config.mediaPorts,
    stunUrls: config.ice.stunUrls,
    reconnectGraceMs: config.mediaReconnectGraceMs,
  });
  const earshot = await createEarshot(config, { media }).catch((e) => {
    if (!(e instanceof DataDirInUse)) throw e;
    // Another process writes to this folder: one line, and out at once.
    console.error(`earshot: ${e.message}`);
    process.exit(2);
  });
  // A stop asked from now on closes cleanly (the database, its folder's lock): before the
  // "running" line, so whoever waits for it and then stops us never meets the default action.
  const stop = async () => {
    // Never hang on shutdown: give open connections 5 s, then leave anyway.
    setTimeout(() => process.exit(0), 5000).unref();
    await earshot.close().catch((e: Error) => console.error(`earshot: shutdown: ${e.message}`));
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const address = await earshot.http.listen({ port: config.port, host: config.host });
  const url = address.replace("0.0.0.0", "localhost").replace("[::]", "localhost");
  if (!config.tls && !isLoopbackHost(config.host)) {
    console.warn(
      "earshot: serving plain HTTP beyond this machine: browsers on other machines get no microphone. Set EARSHOT_TLS_CERT and EARSHOT_TLS_KEY, or put a TLS proxy in front (EARSHOT_TRUST_PROXY=1); see docs/DEPLOY.md",
    );
  }
  const db = config.databaseUrl ? "PostgreSQL" : `embedded database in ${config.dataDir}`;
  console.log(`\nEarshot is running at ${url}  (${db}${config.redisUrl ? ", Redis events" : ""})`);
  if (config.demo) {
    console.log(`Demo mode — sign in with any of these (password ${DEMO_PASSWORD}):`);
    for (const u of DEMO_USERS)
      console.log(
        `  ${u.email.padEnd(18)} ${u.role}${u.monitoringAccess !== "none" ? ` (${u.monitoringAccess})` : ""}`,
      );
    if (!isLoopbackHost(config.host) || config.trustProxy !== false)
      console.warn(
        `earshot: WARNING: demo mode on ${config.host}: the demo passwords are public, so anyone who reaches this server can sign in as its admin. Unset EARSHOT_DEMO for real use.`,
      );
  }
  if (earshot.setupToken) {
    // On the console, never in the log: the link holds the only copy of the set-up token.
    console.log(
      `\nNo user yet. Create the organisation and its first admin (this link works once):\n  ${url}/setup#${earshot.setupToken}\nor from a shell: npm run admin -- create-user --email … --name … --role admin --org …`,
    );
  }
}

/** Every IPv4 address of this machine, loopback included: the media plane's default candidates. */
function machineAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const v4 = all.filter((a) => a.family === "IPv4").map((a) => a.address);
  return [...new Set(["127.0.0.1", ...v4])];
}

main().catch((e) => {
  console.error(`earshot: failed to start: ${(e as Error).message}`);
  process.exit(1);
});
