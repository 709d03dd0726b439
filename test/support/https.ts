// HTTPS from this process to a server with the test certificate: Node's fetch takes no CA, so
// node:https with `ca`, shaped as the Fetcher that Client (server.ts) and widgetCall use.
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import type { Fetcher } from "./server.ts";

export interface HttpsReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTPS request trusting `ca` (PEM); the whole reply. */
export function httpsRequest(
  url: string,
  ca: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", headers: init.headers, ca }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${init.method ?? "GET"} ${url}: no reply in 10 s`)));
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A Fetcher over node:https trusting `ca`. */
export function httpsFetch(ca: string): Fetcher {
  return async (url, init) => {
    const reply = await httpsRequest(url, ca, init);
    return { status: reply.status, text: async () => reply.body };
  };
}
