// What the HTTP and WebSocket layers call: the control plane's services plus the
// composition root's settings.
import type { Accounts } from "../control/Accounts.ts";
import type { Calls } from "../control/Calls.ts";
import type { Coaching } from "../control/Coaching.ts";
import type { ControlContext } from "../control/context.ts";
import type { Directory } from "../control/Directory.ts";
import type { LiveBoard } from "../control/liveStats.ts";
import type { Webhooks } from "../control/Webhooks.ts";
import type { Widget } from "../control/Widget.ts";
import type { MediaWorkersView } from "../protocol/mediaWorkers.ts";
import type { CallTokens } from "./callTokens.ts";
import type { IceConfig } from "./iceServers.ts";
import type { Probes } from "./probes.ts";
import type { Signalling } from "./signalling.ts";

export interface PublicConfig {
  demo: boolean;
  /** The demo users to pick from on the sign-in page; never their password (it is printed in
   * the server's console at start-up). */
  demoLogins: { email: string; role: string; name: string }[];
  emergencyNumbers: string[];
  /** The UDP range the media plane binds (what a firewall must open), or null for any port. */
  mediaPorts: { min: number; max: number } | null;
}

export interface Services {
  ctx: ControlContext;
  directory: Directory;
  accounts: Accounts;
  calls: Calls;
  /** The live board (GET /stats/live; stats.updated). */
  board: LiveBoard;
  coaching: Coaching;
  webhooks: Webhooks;
  /** What the customer call widget reads without signing in. */
  widget: Widget;
  callTokens: CallTokens;
  signalling: Signalling | null;
  /** The network diagnostic's probes on this node's media plane; null without one. */
  probes?: Probes | null;
  /** This node's media threads for admins (GET /media/workers); null without a media plane. */
  mediaWorkers?: { read(): MediaWorkersView } | null;
  publicConfig: PublicConfig;
  /** How often the WebSocket hub pings its sockets (default wsHeartbeat.HEARTBEAT_MS). */
  wsHeartbeatMs?: number;
  /** STUN/TURN for browsers; TURN credentials are minted per request (GET /ice-servers). */
  ice: IceConfig;
  /** Readiness checks (GET /ready): each resolves when its backend answers. */
  readiness: { database(): Promise<void>; redis?(): Promise<void> };
  /** Picks a caller number for the demo network's simulated customer. */
  demoCaller: () => string;
}
