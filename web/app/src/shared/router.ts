// The router: the path is the state (history.pushState + popstate), and the routes are
// parsed here only. Every feature navigates with `navigate`; the shell reads `usePath`.
import { useEffect, useState } from "react";

export function navigate(path: string): void {
  history.pushState(null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    window.addEventListener("popstate", on);
    return () => window.removeEventListener("popstate", on);
  }, []);
  return path;
}

/** The public customer widget's number, for /widget/:numberId. */
export function widgetRoute(path: string): string | null {
  return /^\/widget\/([\w-]+)/.exec(path)?.[1] ?? null;
}

/** A page of the signed-in shell: a call's conversation, a contact, or a named page
 * ("softphone", "monitoring", …; `null` for `/`, where the shell picks the default). */
export type ShellRoute =
  | { page: "conversation"; callId: string }
  | { page: "contact"; contactId: string }
  | { page: "history"; of: HistoryOf }
  | { page: string | null };

/** Whose calls a history page lists: an agent's, a contact's, a number's (null: every call you may see). */
export type HistoryOf = { by: "agent" | "contact" | "number"; id: string } | null;

const HISTORY_SEGMENTS = { agent: "agents", contact: "contacts", number: "numbers" } as const;

/** The path of a history page: /history, /history/agents/:id, /history/contacts/:id, /history/numbers/:id. */
export function historyPath(of: HistoryOf): string {
  return of ? `/history/${HISTORY_SEGMENTS[of.by]}/${of.id}` : "/history";
}

export function shellRoute(path: string): ShellRoute {
  const hist = /^\/history(?:\/(agents|contacts|numbers)\/([\w-]+))?\/?$/.exec(path);
  if (hist) {
    const by = hist[1] ? (hist[1].slice(0, -1) as "agent" | "contact" | "number") : null;
    return { page: "history", of: by ? { by, id: hist[2] } : null };
  }
  const conversation = /^\/calls\/([\w-]+)/.exec(path);
  if (conversation) return { page: "conversation", callId: conversation[1] };
  const contact = /^\/contacts\/([\w-]+)/.exec(path);
  if (contact) return { page: "contact", contactId: contact[1] };
  return { page: path.replace(/^\//, "") || null };
}

/** The wallboard (a TV's full screen of the live board; the shell's "wallboard" page). */
export function isWallboard(path: string): boolean {
  return shellRoute(path).page === "wallboard";
}
