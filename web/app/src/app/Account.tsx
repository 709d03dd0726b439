// The signed-in user's account: change the password (the other sessions are signed out by
// the server) and sign out everywhere.
import { type FormEvent, useState } from "react";
import { ok, rest } from "../shared/api.ts";
import { useI18n } from "../shared/i18n.tsx";

function PasswordField(props: {
  label: string;
  autoComplete: "current-password" | "new-password";
  value: string;
  onChange(value: string): void;
}) {
  return (
    <label>
      {props.label}{" "}
      <input
        type="password"
        autoComplete={props.autoComplete}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        required
      />
    </label>
  );
}

export function Account({ onSignOut }: { onSignOut(): void }) {
  const { t, te } = useI18n();
  const [form, setForm] = useState({ currentPassword: "", newPassword: "" });
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const fail = (err: unknown) => setStatus({ ok: false, text: te(err) });
  const change = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await ok(rest.POST("/api/v1/me/password", { body: form }));
      setForm({ currentPassword: "", newPassword: "" });
      setStatus({ ok: true, text: t("passwordChanged") });
    } catch (err) {
      fail(err);
    }
  };
  const everywhere = async () => {
    try {
      await ok(rest.POST("/api/v1/auth/logout-all"));
      onSignOut();
    } catch (err) {
      fail(err);
    }
  };
  return (
    <main aria-label={t("account")}>
      <h1>{t("account")}</h1>
      <section className="card" aria-label={t("changePassword")}>
        <h2>{t("changePassword")}</h2>
        <form onSubmit={(e) => void change(e)}>
          <PasswordField
            label={t("currentPassword")}
            autoComplete="current-password"
            value={form.currentPassword}
            onChange={(currentPassword) => setForm({ ...form, currentPassword })}
          />
          <PasswordField
            label={t("newPassword")}
            autoComplete="new-password"
            value={form.newPassword}
            onChange={(newPassword) => setForm({ ...form, newPassword })}
          />
          <small>{t("passwordRule")}</small>
          <button type="submit" className="primary">
            {t("changePassword")}
          </button>
        </form>
        {status && <p role={status.ok ? "status" : "alert"}>{status.text}</p>}
      </section>
      <section className="card" aria-label={t("signOutEverywhere")}>
        <p>{t("signOutEverywhereHint")}</p>
        <button type="button" onClick={() => void everywhere()}>
          {t("signOutEverywhere")}
        </button>
      </section>
    </main>
  );
}
