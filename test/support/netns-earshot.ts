// Earshot across the test network (issue 12): the namespaces, a test certificate for the
// server's address and `earshot.test`, coturn in `server` (UDP, TCP, TLS), Earshot itself in
// `server` over HTTPS (the real entry point), a second Earshot there over plain HTTP, and one
// Chromium per party: agent and coach in `office` (UDP dropped), the widget customer in `home`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Party } from "../../src/control/routing.ts";
import { launchParties } from "../media/routing.browser.ts";
import type { BrowserParty } from "./browser.ts";
import { makeTestCert, type TestCert } from "./certs.ts";
import { type Coturn, startCoturn } from "./coturn.ts";
import { type EarshotChild, REPO_ROOT, startEarshotIn } from "./earshot-child.ts";
import { httpsFetch } from "./https.ts";
import { createNetwork, type Network } from "./netns.ts";
import { launchChromiumIn } from "./netns-chromium.ts";
import type { Fetcher } from "./server.ts";

export const TURN_SECRET = "coaching-netns-secret";
export const NAME = "earshot.test";
/** The HTTPS Earshot's EARSHOT_MEDIA_RECONNECT_GRACE_S: short, so that a cut can outlast it quickly. */
export const GRACE_S = 15;
const HTTPS_PORT = 8443;
const HTTP_PORT = 8080;

export interface EarshotWorld {
  net: Network;
  cert: TestCert;
  turn: Coturn;
  /** Earshot over HTTPS: the one every party uses. */
  earshot: EarshotChild;
  /** https://<server address>:<port>, for this process (node:https with the cert as CA). */
  apiUrl: string;
  /** https://earshot.test:<port>, for the browsers (the name is mapped in each of them). */
  origin: string;
  fetcher: Fetcher;
  /** A second Earshot over plain HTTP (http://<server address>:<port>), TURN credentials valid 60 s. */
  plain: EarshotChild;
  plainUrl: string;
  parties: Record<Party, BrowserParty>;
  /** Where each party's Chromium runs. */
  partyHost: Record<Party, "office" | "home">;
  close(): Promise<void>;
}

/** Builds it all; whatever started is stopped again if a later step fails. */
export async function startEarshotWorld(): Promise<EarshotWorld> {
  const dir = mkdtempSync(join(tmpdir(), "earshot-netns-coaching-"));
  const started: { close(): unknown }[] = [];
  const stopAll = async () => {
    const results = await Promise.allSettled(started.reverse().map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  };
  try {
    // The spawned server serves ./web/dist: build it if missing or stale (cheap when current).
    execFileSync(process.execPath, ["scripts/ensure-web.mjs", "--test"], {
      cwd: REPO_ROOT,
      stdio: "inherit",
    });
    const net = await createNetwork();
    started.push(net);
    const addr = net.server.address;
    const cert = makeTestCert({ ips: [addr], dns: [NAME] });
    started.push({ close: () => cert.remove() });
    const turnUrls = [
      `turn:${addr}:3478?transport=udp`,
      `turn:${addr}:3478?transport=tcp`,
      `turns:${NAME}:5349?transport=tcp`,
    ].join(",");
    const common = {
      HOST: addr,
      EARSHOT_MEDIA_HOST: addr,
      EARSHOT_TURN_URLS: turnUrls,
      EARSHOT_TURN_SECRET: TURN_SECRET,
      EARSHOT_DATA_DIR: "memory://",
      EARSHOT_DEMO: "1",
      EARSHOT_DEMO_ANSWER_DELAY_MS: "0",
      LOG_LEVEL: "warn",
      // The media plane in worker threads when the test run asks for it (test/support/media.ts).
      ...(process.env.EARSHOT_MEDIA_WORKERS
        ? { EARSHOT_MEDIA_WORKERS: process.env.EARSHOT_MEDIA_WORKERS }
        : {}),
    };
    // The browsers need none of the servers to start: launched meanwhile (an Earshot takes a while).
    const partyHost = { agent: "office", coach: "office", customer: "home" } as const;
    const launching = launchParties(
      dir,
      { url: "about:blank" },
      (party) => (args) => launchChromiumIn(net[partyHost[party]], { cert, hosts: { [NAME]: addr }, args }),
    );
    const track = <T extends { close(): unknown }>(p: Promise<T>) =>
      p.then((x) => {
        started.push(x);
        return x;
      });
    const starting = [
      track(
        startCoturn({
          host: net.server,
          secret: TURN_SECRET,
          realm: NAME,
          cert: cert.certFile,
          key: cert.keyFile,
        }),
      ),
      track(
        startEarshotIn(net, net.server, {
          ...common,
          PORT: String(HTTPS_PORT),
          EARSHOT_TLS_CERT: cert.certFile,
          EARSHOT_TLS_KEY: cert.keyFile,
          EARSHOT_MEDIA_PORTS: "40000-40099",
          EARSHOT_MEDIA_RECONNECT_GRACE_S: String(GRACE_S),
        }),
      ),
      track(
        startEarshotIn(net, net.server, {
          ...common,
          PORT: String(HTTP_PORT),
          EARSHOT_MEDIA_PORTS: "40100-40199",
          EARSHOT_TURN_TTL_S: "60",
        }),
      ),
      track(
        launching.then((p) => ({ ...p, close: () => Promise.all(Object.values(p).map((x) => x.close())) })),
      ),
    ] as const;
    // Every one settled (so that whatever started is in `started`), then the first failure if any.
    await Promise.allSettled(starting);
    const [turn, earshot, plain, parties] = await Promise.all(starting);
    return {
      net,
      cert,
      turn,
      earshot,
      apiUrl: `https://${addr}:${HTTPS_PORT}`,
      origin: `https://${NAME}:${HTTPS_PORT}`,
      fetcher: httpsFetch(cert.certPem),
      plain,
      plainUrl: `http://${addr}:${HTTP_PORT}`,
      parties: { agent: parties.agent, coach: parties.coach, customer: parties.customer },
      partyHost,
      close: stopAll,
    };
  } catch (error) {
    await stopAll().catch((e: unknown) => console.error("netns-earshot: clean-up after a failed start:", e));
    throw error;
  }
}
