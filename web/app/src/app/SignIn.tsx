import { type FormEvent, useEffect, useState } from "react";
import { ok, rest, session } from "../shared/api.ts";
import { type Key, LanguageSwitch, useI18n } from "../shared/i18n.tsx";

// In demo mode the page lists the demo users; never their password (the public /config
// carries none): the server prints it in its console at start-up.
const ROLE_KEYS: Record<string, Key> = {
  admin: "role_admin",
  supervisor: "role_supervisor",
  agent: "role_agent",
};

interface DemoLogin {
  email: string;
  role: string;
  name: string;
}

export function SignIn({ onSignedIn }: { onSignedIn(token: string): void }) {
  const { t, te } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [demo, setDemo] = useState<DemoLogin[]>([]);
  useEffect(() => {
    void ok(rest.GET("/api/v1/config")).then((c) => setDemo(c.demoLogins));
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await ok(rest.POST("/api/v1/auth/login", { body: { email, password } }));
      session.token = r.token;
      onSignedIn(r.token);
    } catch (err) {
      setError(te(err));
    }
  };
  return (
    <main className="card signin">
      <h1>{t("appName")}</h1>
      <LanguageSwitch />
      <form onSubmit={(e) => void submit(e)}>
        <label>
          {t("email")}{" "}
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          {t("password")}{" "}
          <input
            id="signin-password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && <p role="alert">{error}</p>}
        <button type="submit" className="primary">
          {t("signIn")}
        </button>
      </form>
      {demo.length > 0 && (
        <section aria-label={t("demoLogins")}>
          <h2>{t("demoLogins")}</h2>
          <p>{t("demoPasswordHint")}</p>
          <ul>
            {demo.map((d) => (
              <li key={d.email}>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    setEmail(d.email);
                    document.getElementById("signin-password")?.focus();
                  }}
                >
                  {d.email}
                </button>{" "}
                — {d.name} ({d.role in ROLE_KEYS ? t(ROLE_KEYS[d.role]) : d.role})
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
