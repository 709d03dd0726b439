// A BrowserParty's ICE servers as the web app gets them: fetched by its page from Earshot (same
// origin) before its legs, with the holder's Bearer token or the widget call's X-Call-Token.
import type { IceServers } from "../../src/api/iceServers.ts";
import type { BrowserParty } from "./browser.ts";

/**
 * The page GETs /api/v1/ice-servers with `headers` and its next WebSocket-signalled legs use
 * them (BrowserParty.setIce); resolves with what it got. Rejects on a non-200.
 */
export async function useIceServers(
  party: BrowserParty,
  headers: Record<string, string>,
): Promise<IceServers> {
  const reply = await party.page.evaluate(async (h) => {
    const r = await fetch("/api/v1/ice-servers", { headers: h });
    return { status: r.status, text: await r.text() };
  }, headers);
  if (reply.status !== 200) throw new Error(`${party.name}: GET /ice-servers ${reply.status}: ${reply.text}`);
  const servers = JSON.parse(reply.text) as IceServers;
  await party.setIce(servers.iceServers as RTCIceServer[]);
  return servers;
}
