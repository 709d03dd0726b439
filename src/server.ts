// `npm start`: reads the configuration, builds Earshot, listens, prints where to go.
import { createEarshot } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { MediaPlane } from "./media/plane.ts";
import { DEMO_PASSWORD, DEMO_USERS } from "./storage/demoData.ts";

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
  const media = await MediaPlane.create({ host: config.mediaHost });
  const earshot = await createEarshot(config, { media });
  const address = await earshot.http.listen({ port: config.port, host: config.host });
  const url = address.replace("0.0.0.0", "localhost").replace("[::]", "localhost");
  const db = config.databaseUrl ? "PostgreSQL" : `embedded database in ${config.dataDir}`;
  console.log(`\nEarshot is running at ${url}  (${db}${config.redisUrl ? ", Redis events" : ""})`);
  if (config.demo) {
    console.log(`Demo mode — sign in with any of these (password ${DEMO_PASSWORD}):`);
    for (const u of DEMO_USERS)
      console.log(
        `  ${u.email.padEnd(18)} ${u.role}${u.monitoringAccess !== "none" ? ` (${u.monitoringAccess})` : ""}`,
      );
  }
  const stop = async () => {
    // Never hang on shutdown: give open connections 5 s, then leave anyway.
    setTimeout(() => process.exit(0), 5000).unref();
    await earshot.close().catch(() => {});
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e) => {
  console.error(`earshot: failed to start: ${(e as Error).message}`);
  process.exit(1);
});
