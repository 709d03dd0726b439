// The first start's set-up page (/setup#<token>, the link the server prints once when it
// has no user): creates the organisation and its first admin, then signs in. The token is in
// the fragment, which browsers never send to the server, so it stays out of access logs.
import { type FormEvent, useState } from "react";
import { ok, rest, session } from "../shared/api.ts";
import { LanguageSwitch, useI18n } from "../shared/i18n.tsx";

export function Setup({ onSignedIn }: { onSignedIn(token: string): void }) {
  const { t, te } = useI18n();
  const [token] = useState(() => location.hash.replace(/^#/, ""));
  const [form, setForm] = useState({ orgName: "", name: "", email: "", password: "" });
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const r = await ok(rest.POST("/api/v1/setup", { body: { token, ...form } }));
      session.token = r.token;
      history.replaceState(null, "", "/");
      onSignedIn(r.token);
    } catch (err) {
      setError(te(err));
    }
  };
  const field = (key: keyof typeof form, label: string, type = "text") => (
    <label>
      {label}{" "}
      <input
        type={type}
        value={form[key]}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
        autoComplete={type === "password" ? "new-password" : undefined}
        required
      />
    </label>
  );
  return (
    <main className="card signin">
      <h1>{t("firstStartTitle")}</h1>
      <LanguageSwitch />
      {token ? (
        <form onSubmit={(e) => void submit(e)}>
          <p>{t("firstStartIntro")}</p>
          {field("orgName", t("orgName"))}
          {field("name", t("yourName"))}
          {field("email", t("email"), "email")}
          {field("password", t("password"), "password")}
          <small>{t("passwordRule")}</small>
          {error && <p role="alert">{error}</p>}
          <button type="submit" className="primary">
            {t("createOrg")}
          </button>
        </form>
      ) : (
        <p role="alert">{t("firstStartNoLink")}</p>
      )}
    </main>
  );
}
