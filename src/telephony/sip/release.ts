// Releasing a far end from our side (the call ended here, or a conference's third party was
// dropped): a BYE once the dialog is confirmed, 480 to an inbound INVITE not answered yet, a
// CANCEL of an outbound INVITE still ringing.
import type { Dialog } from "./Dialogs.ts";
import { cancelRequest } from "./requests.ts";
import type { SipEndpoint } from "./SipEndpoint.ts";

export function sendRelease(ep: SipEndpoint, d: Dialog): void {
  if (d.state === "confirmed") ep.inDialog(d, "BYE");
  else if (d.state === "early" && d.direction === "inbound")
    ep.respond(d.invite, 480, "Temporarily Unavailable", { to: d.local });
  else if (d.state === "early" && d.invite) ep.send(cancelRequest(d.invite));
}
