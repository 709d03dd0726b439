// An outbound INVITE to the carrier (a call we place, an external transfer, a conference's
// third party): digest authentication once when challenged, every 2xx copy ACKed, and the
// answer's SDP applied to the party's RTP.
import type * as Sip from "sip";
import type { Dialog } from "./Dialogs.ts";
import { ackRequest, inDialogRequest } from "./requests.ts";
import type { SipEndpoint } from "./SipEndpoint.ts";
import { chooseG711, makeSdp, parseSdp } from "./sdp.ts";
import type { SipTrunkSettings } from "./settings.ts";

export interface InviteEvents {
  /** The far end answered (the first 2xx). */
  answered(): void;
  /** It refused or failed (a final status of 300 or more). */
  failed(status: number): void;
}

/** Sends `d`'s INVITE (an offer of `d.leg`'s port) and follows its responses. */
export function sendInvite(
  endpoint: SipEndpoint,
  settings: SipTrunkSettings,
  d: Dialog,
  events: InviteEvents,
): void {
  const { leg } = d;
  const uri = d.remoteTarget;
  let confirmed = false;
  const send = (authFrom?: Sip.SipMessage) => {
    const sdp = makeSdp(settings.mediaAddress, leg.port, "offer");
    const rq = inDialogRequest(d, "INVITE", endpoint.contact, sdp);
    if (authFrom && settings.username)
      endpoint.sign(rq, authFrom, settings.username, settings.password ?? "");
    d.invite = rq;
    endpoint.send(rq, (rs) => {
      const status = rs.status ?? 0;
      if (status < 200) return;
      if ((status === 401 || status === 407) && !authFrom && settings.username) return send(rs);
      if (status >= 300) {
        events.failed(status);
        return;
      }
      d.remote = rs.headers.to;
      d.remoteTarget = rs.headers.contact?.[0]?.uri ?? uri;
      endpoint.send(ackRequest(d, rq.headers.cseq.seq)); // every 2xx copy is ACKed
      if (confirmed) return;
      confirmed = true;
      const answer = parseSdp(rs.content);
      const pt = answer && chooseG711(answer);
      if (answer) leg.retarget({ address: answer.address, port: answer.port });
      else leg.answered();
      if (pt === 8) leg.payloadType = 8;
      d.state = "confirmed";
      events.answered();
    });
  };
  send();
}
