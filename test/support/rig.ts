// The set-up every supervision browser test shares: a real Earshot with a media plane, the demo
// org signed in, three Chromium parties (customer 440 Hz, agent 1000 Hz, coach 1700 Hz) on a test
// page, and a widget call to Support that ana answers with both legs attached.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Party } from "../../src/control/routing.ts";
import type { NodeMedia } from "../../src/media/commands.ts";
import type { WidgetCall } from "../../src/protocol/resources.ts";
import { launchParties } from "../media/routing.browser.ts";
import type { BrowserParty } from "./browser.ts";
import { widgetCall } from "./calls.ts";
import { demoOrg, type ServerOptions, startServer, type TestServer } from "./server.ts";
import { startSignalHarness } from "./signal-harness.ts";

export type DemoOrg = Awaited<ReturnType<typeof demoOrg>>;

export interface SupervisionRig {
  readonly server: TestServer;
  readonly org: DemoOrg;
  readonly parties: Record<Party, BrowserParty>;
  /** The WebSocket URL of this server with a query (token=… or callToken=…). */
  ws(query: string): string;
  /** The widget customer calls Support, ana answers, and both attach their audio (Opus). */
  connectedCall(): Promise<WidgetCall>;
  close(): Promise<void>;
}

export async function startRig(media: NodeMedia, options: ServerOptions = {}): Promise<SupervisionRig> {
  const dir = mkdtempSync(join(tmpdir(), "earshot-rig-"));
  const server = await startServer({ ...options, media });
  const harness = await startSignalHarness().catch(async (e) => {
    await server.close();
    throw e;
  });
  const close = async () => {
    await Promise.all(Object.values(parties ?? {}).map((p) => p.close()));
    await harness.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let parties: Record<Party, BrowserParty> | undefined;
  try {
    const org = await demoOrg(server.url);
    parties = await launchParties(dir, harness);
    const b = parties;
    const ws = (q: string) => `${server.url.replace("http", "ws")}/api/v1/ws?${q}`;
    return {
      server,
      org,
      parties: b,
      ws,
      async connectedCall() {
        const { call, callToken } = await widgetCall(server.url, org.support);
        await org.ana.post(`/calls/${call.id}/answer`);
        await b.customer.joinViaApi(
          ws(`callToken=${encodeURIComponent(callToken)}`),
          call.id,
          "customer",
          "opus",
        );
        await b.agent.joinViaApi(ws(`token=${org.ana.token}`), call.id, "agent", "opus");
        return call;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
