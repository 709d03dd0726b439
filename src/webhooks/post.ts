// One webhook POST to exactly the address that was checked (never a second DNS lookup),
// never following a redirect. The outcome is coarse on purpose ("HTTP 503", "timeout",
// "network error"): the admin's `lastStatus` must not tell a closed port from a filtered one.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";

export interface PostOutcome {
  ok: boolean;
  /** What `lastStatus` shows: "HTTP 204", "HTTP 307", "timeout", "network error". */
  status: string;
  /** For the server's log only (never the admin's view): the socket error's code. */
  detail?: string;
}

export function postTo(
  url: URL,
  address: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  const https = url.protocol === "https:";
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const options = {
      host: address,
      port: url.port ? Number(url.port) : https ? 443 : 80,
      path: `${url.pathname}${url.search}`,
      method: "POST",
      agent: false as const,
      headers: { ...headers, host: url.host, "content-length": String(Buffer.byteLength(body)) },
      // TLS: SNI and the certificate check are for the URL's name, not the address.
      ...(https && !isIP(hostname) ? { servername: hostname } : {}),
    };
    const onResponse = (res: IncomingMessage) => {
      res.resume(); // the body is not needed; a 3xx is a failure, its Location is never followed
      const code = res.statusCode ?? 0;
      done({ ok: code >= 200 && code < 300, status: `HTTP ${code}` });
    };
    const req = https ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
    const timer = setTimeout(() => {
      done({ ok: false, status: "timeout" });
      req.destroy();
    }, timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) =>
      done({ ok: false, status: "network error", detail: e.code ?? e.message }),
    );
    req.end(body);
  });
}
