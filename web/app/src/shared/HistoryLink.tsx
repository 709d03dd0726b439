// A link to a call history page (an agent's, a contact's, a number's), for the views that name
// them: Live Monitoring's Users tab, the live board's numbers, the conversation and contact views.
import type { ReactNode } from "react";
import { type HistoryOf, historyPath, navigate } from "./router.ts";

export function HistoryLink({ of, label, children }: { of: HistoryOf; label: string; children: ReactNode }) {
  const href = historyPath(of);
  return (
    <a
      href={href}
      aria-label={label}
      onClick={(e) => {
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
