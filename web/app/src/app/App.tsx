// Routes: /widget/:numberId (public customer widget), everything else needs a signed-in
// user; the first-use set-up runs before the softphone or Live Monitoring.
import { useEffect, useState } from "react";
import { FirstUse } from "../setup/FirstUse.tsx";
import { Setup } from "../setup/Setup.tsx";
import { session } from "../shared/api.ts";
import { LanguageSwitch, useI18n } from "../shared/i18n.tsx";
import { SIGNED_OUT } from "../shared/live.ts";
import { isWallboard, usePath, widgetRoute } from "../shared/router.ts";
import { loadSetup, missingFeatures } from "../shared/setupChoice.ts";
import { Widget } from "../widget/Widget.tsx";
import { Home } from "./Home.tsx";
import { SignIn } from "./SignIn.tsx";

export function App() {
  const { t } = useI18n();
  const path = usePath();
  const [token, setToken] = useState(session.token);
  const [setupDone, setSetupDone] = useState(loadSetup() !== null);
  // The server closed this tab's socket because its token was revoked (signed out elsewhere,
  // password changed or reset): back to the sign-in page.
  useEffect(() => {
    const on = () => setToken(null);
    window.addEventListener(SIGNED_OUT, on);
    return () => window.removeEventListener(SIGNED_OUT, on);
  }, []);
  // Over plain HTTP from another machine the browser hides the microphone: say why, first.
  if (!window.isSecureContext) {
    return (
      <main className="card" role="alert" aria-labelledby="needs-https">
        <h1 id="needs-https">{t("needsHttpsTitle")}</h1>
        <p>{t("needsHttps", { host: location.host })}</p>
        <p>{t("needsHttpsFix")}</p>
        <LanguageSwitch />
      </main>
    );
  }
  const missing = missingFeatures();
  if (missing.length > 0) {
    return (
      <main className="card" role="alert">
        {t("unsupported", { what: missing.join(", ") })}
      </main>
    );
  }
  const widget = widgetRoute(path);
  if (widget) return <Widget numberId={widget} />;
  if (path === "/setup" && !token) return <Setup onSignedIn={(tk) => setToken(tk)} />;
  if (!token) return <SignIn onSignedIn={(tk) => setToken(tk)} />;
  // The wallboard (a TV in the room) uses no microphone: no first-use set-up.
  if (!setupDone && !isWallboard(path)) return <FirstUse onDone={() => setSetupDone(true)} />;
  return (
    <Home
      path={path}
      onSignOut={() => {
        session.token = null;
        setToken(null);
      }}
    />
  );
}
