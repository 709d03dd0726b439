// Security headers on every response (SPEC §7), by @fastify/helmet: a Content-Security-Policy
// the web app runs under (its own scripts and styles only, no inline code, network only to this
// origin and its WebSocket), no framing except the widget page by the origins the operator
// names, nosniff, no referrer. HSTS stays in http.ts: sent only over HTTPS.

import type { IncomingMessage } from "node:http";
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

export interface HeaderOptions {
  /** Origins that may embed the widget page (EARSHOT_WIDGET_ORIGINS); none by default. */
  widgetOrigins: string[];
  /** Behind a trusted proxy (EARSHOT_TRUST_PROXY) the browser's host is in X-Forwarded-Host. */
  trustsProxy: boolean;
}

/** The customer widget's page (/widget/<number id>), the one page that may be framed. */
export const isWidgetPage = (url: string | undefined): boolean => /^\/widget(\/|$|\?)/.test(url ?? "");

const HOST = /^([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

/** The host the browser sees, when it is a plain host[:port] (nothing that could bend the header). */
function browserHost(req: IncomingMessage, trustsProxy: boolean): string | null {
  const forwarded = trustsProxy ? req.headers["x-forwarded-host"] : undefined;
  const raw =
    (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim() ?? req.headers.host;
  return raw && HOST.test(raw) ? raw : null;
}

export async function registerSecurityHeaders(app: FastifyInstance, opts: HeaderOptions): Promise<void> {
  const widgetAncestors = opts.widgetOrigins.length > 0 ? opts.widgetOrigins.join(" ") : "'none'";
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "base-uri": ["'self'"],
        "script-src": ["'self'"],
        "script-src-attr": ["'none'"],
        // The Vite build links one stylesheet; React sets styles through the DOM, which CSP allows.
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        // 'self' covers ws:/wss: of this host in current browsers; named too for older ones.
        "connect-src": [
          "'self'",
          (req) => {
            const host = browserHost(req, opts.trustsProxy);
            return host ? `ws://${host} wss://${host}` : "";
          },
        ],
        // Audio plays from MediaStreams (srcObject), which CSP does not govern: no blob: needed.
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": [(req) => (isWidgetPage(req.url) ? widgetAncestors : "'none'")],
      },
    },
    // HSTS only over TLS (http.ts); helmet would send it on plain HTTP as well.
    strictTransportSecurity: false,
    // frame-ancestors decides framing; X-Frame-Options (for browsers without it) is set below,
    // because it cannot name the widget's embedding origins.
    xFrameOptions: false,
    referrerPolicy: { policy: "no-referrer" },
  });
  app.addHook("onRequest", async (req, reply) => {
    if (!isWidgetPage(req.url) || opts.widgetOrigins.length === 0) reply.header("x-frame-options", "DENY");
  });
}
