// The signed-in shell: navigation, availability, and the page for the path.
import { useState } from "react";
import { Admin } from "../admin/Admin.tsx";
import { ContactPage, Conversation } from "../conversation/Conversation.tsx";
import { History } from "../history/History.tsx";
import { LiveMonitoring } from "../monitoring/LiveMonitoring.tsx";
import { Wallboard } from "../monitoring/Wallboard.tsx";
import { Diagnostics } from "../setup/Diagnostics.tsx";
import { ok, rest, session } from "../shared/api.ts";
import { useLive, useOwnedLive } from "../shared/hooks.ts";
import { LanguageSwitch, useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";
import { navigate, shellRoute } from "../shared/router.ts";
import { Softphone } from "../softphone/Softphone.tsx";
import { TransferOffer } from "../softphone/TransferOffer.tsx";
import { Account } from "./Account.tsx";

interface HomeProps {
  path: string;
  onSignOut(): void;
}

export function Home(props: HomeProps) {
  // The tab's Live store lives as long as the signed-in shell (useOwnedLive: StrictMode-safe).
  const { live, error } = useOwnedLive(`token=${encodeURIComponent(session.token ?? "")}`);
  if (!live) return <main className="card">…</main>;
  return <Shell live={live} startError={error} {...props} />;
}

function Shell({ path, onSignOut, live, startError }: HomeProps & { live: Live; startError: string | null }) {
  const { t, te } = useI18n();
  const state = useLive(live);
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? startError;
  const me = state.me;
  if (!me) return <main className="card">{error ?? "…"}</main>;
  const monitor = me.grants.monitor.allowed;
  const administer = me.grants.administer.allowed;
  const route = shellRoute(path);
  const page = route.page ?? (monitor ? "monitoring" : "softphone");
  // The wallboard is the whole screen (a TV): no header, no control.
  if (page === "wallboard" && monitor) return <Wallboard live={live} />;
  const nav = [
    ["softphone", t("softphone")],
    ...(monitor ? [["monitoring", t("liveMonitoring")]] : []),
    ["history", t("history")],
    ...(administer ? [["admin", t("admin")]] : []),
    ["diagnostics", t("diagnostics")],
    ["account", t("account")],
  ];
  const toggle = async () => {
    await ok(
      rest.PATCH("/api/v1/me", {
        body: { availability: me.availability === "available" ? "unavailable" : "available" },
      }),
    ).catch((e: unknown) => setError(te(e)));
  };
  // The server revokes the token and closes its socket; the tab forgets it either way.
  const signOut = () => ok(rest.POST("/api/v1/auth/logout")).then(onSignOut, onSignOut);
  return (
    <div className="shell">
      <header>
        <strong className="brand">{t("appName")}</strong>
        <nav aria-label="main">
          {nav.map(([id, label]) => (
            <a
              key={id}
              href={`/${id}`}
              aria-current={page === id ? "page" : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/${id}`);
              }}
            >
              {label}
            </a>
          ))}
        </nav>
        <span className="me">
          <span className="me-name">{me.name} · </span>
          {/* A switch keeps its name ("Available"); its state is aria-checked, so a screen
              reader hears "Available, on/off" rather than a button that renames itself. */}
          <button
            type="button"
            role="switch"
            className="switch"
            aria-checked={me.availability === "available"}
            onClick={() => void toggle()}
          >
            {t("available")}
          </button>
        </span>
        <LanguageSwitch />
        <button type="button" onClick={() => void signOut()}>
          {t("signOut")}
        </button>
      </header>
      {error && <p role="alert">{error}</p>}
      <TransferOffer live={live} onSoftphone={page === "softphone"} />
      {page === "softphone" && <Softphone live={live} />}
      {page === "monitoring" && monitor && <LiveMonitoring live={live} />}
      {page === "admin" && administer && <Admin live={live} />}
      {page === "diagnostics" && <Diagnostics />}
      {page === "account" && <Account onSignOut={onSignOut} />}
      {"callId" in route && <Conversation live={live} callId={route.callId} />}
      {"contactId" in route && <ContactPage contactId={route.contactId} />}
      {"of" in route && <History live={live} of={route.of} />}
    </div>
  );
}
