// The SIP trunk's settings (SIP_TRUNK_* in config.ts, which reads and checks them).
export interface SipTrunkSettings {
  listenAddress: string;
  listenPort: number;
  carrierAddress: string;
  carrierPort: number;
  username?: string;
  password?: string;
  /** Sources whose requests are taken (and a NAT'd carrier's RTP may be latched from). */
  allow: string[];
  /** The address our SDP names for RTP. */
  mediaAddress: string;
  /** The UDP port range trunk RTP uses (what to open toward the carrier). */
  rtpPortMin: number;
  rtpPortMax: number;
}
