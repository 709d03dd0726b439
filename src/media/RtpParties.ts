// The media plane's side of the TrunkMedia port: a trunk party is an RtpLeg (plain RTP,
// G.711) on a socket bound in the trunk's port range, attached to the call's MediaCall like
// any other leg.
import type { RtpParty, RtpPartyOptions, TrunkMedia } from "../control/mediaPorts.ts";
import type { Party } from "../control/routing.ts";
import type { MediaNode } from "./MediaNode.ts";
import { RtpLeg } from "./RtpLeg.ts";
import { RtpPorts } from "./rtpPorts.ts";

/** Where trunk RTP binds: the address the SDP names, and the port range a firewall opens. */
export interface RtpRange {
  address: string;
  portMin: number;
  portMax: number;
}

/** "Not yet known" in an SDP: RFC 3264's discard target until the far end's answer names one. */
const NOWHERE = { address: "0.0.0.0", port: 9 };

export class RtpParties implements TrunkMedia {
  readonly #ports: RtpPorts;

  constructor(
    private readonly node: MediaNode,
    range: RtpRange,
  ) {
    this.#ports = new RtpPorts(range.address, range.portMin, range.portMax);
  }

  async openRtpParty(callId: string, party: Party, options: RtpPartyOptions): Promise<RtpParty> {
    const socket = await this.#ports.bind();
    const call = this.node.openCall(callId, { codec: "pcmu" });
    const leg = new RtpLeg({
      party,
      socket,
      remote: options.remote ?? NOWHERE,
      latchFrom: options.latchFrom,
      payloadType: options.payloadType,
      sink: call.packetSink,
      onDtmf: () => options.onDtmf?.(),
      onForeignSource: options.onForeignSource,
    });
    call.attachLeg(leg);
    return leg;
  }

  detach(callId: string, party: Party, reason: string): void {
    this.node.getCall(callId)?.detach(party, reason);
  }
}
