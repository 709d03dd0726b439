// The trunk's SIP endpoint: npm `sip`'s stack (parsing, transactions; UDP and TCP) behind the
// transport guard, and the few ways the trunk sends on it: a response to a request, a request
// in a dialog, and the digest signature of a challenged request.
import { createRequire } from "node:module";
import type * as Sip from "sip";
import type { Logger } from "../../control/ports.ts";
import type { Dialog } from "./Dialogs.ts";
import { inDialogRequest } from "./requests.ts";
import type { SipTrunkSettings } from "./settings.ts";
import { withGuardedSockets } from "./transportGuard.ts";

const require = createRequire(import.meta.url);
const sip = require("sip") as typeof Sip;
const digest = require("sip/digest") as {
  signRequest(
    ctx: object,
    rq: Sip.SipMessage,
    rs: Sip.SipMessage,
    creds: { user: string; password: string },
  ): void;
};

export class SipEndpoint {
  readonly contact: string;
  readonly #stack: Sip.Stack;

  constructor(
    settings: SipTrunkSettings,
    log: Logger,
    onRequest: (rq: Sip.SipMessage, remote: Sip.Remote) => Promise<void>,
  ) {
    this.contact = `sip:earshot@${settings.listenAddress}:${settings.listenPort}`;
    const guardLog = (msg: string, fields: Record<string, unknown>) => log.warn(fields, msg);
    this.#stack = withGuardedSockets({ maxDatagram: 8192, maxInvitesPerSecond: 20, log: guardLog }, () =>
      sip.create(
        {
          address: settings.listenAddress,
          port: settings.listenPort,
          tcp: true,
          logger: { error: (e) => log.warn({ error: String(e) }, "sip error") },
        },
        (rq, remote) => {
          onRequest(rq, remote).catch((e: Error) =>
            log.warn({ method: rq.method, error: e.message }, "sip: request failed"),
          );
        },
      ),
    );
  }

  send(message: Sip.SipMessage, onResponse?: (rs: Sip.SipMessage) => void): void {
    this.#stack.send(message, onResponse);
  }

  /** Sends a response to `rq` (with an SDP body when `content` is given); returns it. */
  respond(
    rq: Sip.SipMessage,
    status: number,
    reason: string,
    extra: Partial<Sip.SipMessage["headers"]> = {},
    content?: string,
  ): Sip.SipMessage {
    const rs = sip.makeResponse(rq, status, reason);
    rs.headers = { ...rs.headers, ...extra } as Sip.SipMessage["headers"];
    if (content !== undefined) {
      rs.headers["content-type"] = "application/sdp";
      rs.content = content;
    }
    this.#stack.send(rs);
    return rs;
  }

  /** Sends a request in an established dialog; returns it. */
  inDialog(d: Dialog, method: string, sdp?: string, cb?: (rs: Sip.SipMessage) => void): Sip.SipMessage {
    const rq = inDialogRequest(d, method, this.contact, sdp);
    this.#stack.send(rq, cb);
    return rq;
  }

  /** Signs `rq` for the challenge in `rs` (401/407) with the trunk's credentials. */
  sign(rq: Sip.SipMessage, rs: Sip.SipMessage, user: string, password: string): void {
    digest.signRequest({}, rq, rs, { user, password });
  }

  destroy(): void {
    this.#stack.destroy();
  }
}
