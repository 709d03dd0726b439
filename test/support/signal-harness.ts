// The media tests' page server: serves the page (browser-page.ts) and answers its HTTP offers
// with a MediaNode's call, for tests that drive the media plane without Earshot's API.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Party } from "../../src/control/routing.ts";
import type { MediaNode } from "../../src/media/MediaNode.ts";
import { MediaError } from "../../src/media/MediaTypes.ts";
import { bundleLeg, PAGE_SCRIPT } from "./browser-page.ts";

export interface SignalHarness {
  readonly url: string;
  /** Legs answered so far, by "callId/role". */
  readonly legs: Map<string, string>;
  close(): Promise<void>;
}

/**
 * Serves the test page and answers POST /signal?call=&role= with node.getCall(call).attachWebRtc(role, body).
 * Without a node, the page signals only through Earshot's WebSocket (startLegWs).
 */
export async function startSignalHarness(node?: MediaNode): Promise<SignalHarness> {
  const script = await bundleLeg();
  const html = `<!doctype html><meta charset="utf-8"><title>media test</title><script>${script}</script><script>${PAGE_SCRIPT}</script>`;
  const legs = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "GET" && url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(html);
      return;
    }
    if (req.method === "POST" && url.pathname === "/signal") {
      const callId = url.searchParams.get("call") ?? "";
      const role = url.searchParams.get("role") as Party;
      readBody(req)
        .then(async (offer) => {
          const call = node?.getCall(callId);
          if (!call) throw new Error(`no call ${callId}`);
          const { legId, answerSdp } = await call.attachWebRtc(role, offer);
          legs.set(`${callId}/${role}`, legId);
          res.writeHead(200, { "content-type": "application/sdp" }).end(answerSdp);
        })
        .catch((error: unknown) => {
          const code = error instanceof MediaError ? error.code : "internal";
          res
            .writeHead(400, { "content-type": "application/json" })
            .end(JSON.stringify({ code, message: String(error) }));
        });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    legs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });
}
