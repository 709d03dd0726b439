// Calls whose server process stopped: their audio, ring timers and phone-line dialogs lived
// there and are gone, so they are ended (server_stopped) by whichever node notices
// (docs/ARCHITECTURE.md "Where state lives").
import type { CallEndReason } from "../protocol/resources.ts";
import type { ControlContext } from "./context.ts";

/**
 * Ends the calls carried by server processes that have stopped, or they would stay live for
 * ever (the agent busy, the coach's session open). `alive` tells which of the other nodes run; a
 * call with no node recorded counts as stopped only if `unknownStopped`. A single node calls
 * this once at start-up with nobody else alive; a cluster node, every few seconds. `end` ends a
 * call unless it has ended already (true when this ended it).
 */
export async function endCallsOfStoppedNodes(
  ctx: Pick<ControlContext, "store" | "nodeId">,
  end: (callId: string, reason: CallEndReason) => Promise<boolean>,
  alive: (nodeIds: string[]) => Promise<Set<string>>,
  unknownStopped: boolean,
): Promise<number> {
  const self = ctx.nodeId;
  const unended = await ctx.store.listUnendedCalls();
  const others = [...new Set(unended.map((c) => c.nodeId).filter((id): id is string => !!id && id !== self))];
  const running = others.length > 0 ? await alive(others) : new Set<string>();
  let ended = 0;
  for (const call of unended) {
    if (call.nodeId === self || (call.nodeId ? running.has(call.nodeId) : !unknownStopped)) continue;
    if (await end(call.id, "server_stopped")) ended++; // unless someone ended it meanwhile
  }
  return ended;
}
