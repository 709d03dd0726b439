// Admin pages: users (role, monitoring access), numbers and their line distribution,
// contacts.
import { type FormEvent, useEffect, useState } from "react";
import type { Contact, MonitoringAccess, Role } from "../../../../src/protocol/resources.ts";
import { ok, rest } from "../shared/api.ts";
import { useLive } from "../shared/hooks.ts";
import { useI18n } from "../shared/i18n.tsx";
import type { Live } from "../shared/live.ts";

export function Admin({ live }: { live: Live }) {
  const { t, te } = useI18n();
  const state = useLive(live);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [nu, setNu] = useState({
    email: "",
    name: "",
    password: "",
    role: "agent" as Role,
    monitoringAccess: "none" as MonitoringAccess,
  });
  const [contact, setContact] = useState({ name: "", phone: "" });
  const loadContacts = () => void ok(rest.GET("/api/v1/contacts")).then((r) => setContacts(r.contacts));
  useEffect(loadContacts, []);
  const run = (p: Promise<unknown>) => p.then(() => live.refetch()).catch((e: unknown) => setError(te(e)));
  const createUser = (e: FormEvent) => {
    e.preventDefault();
    void run(ok(rest.POST("/api/v1/users", { body: nu })));
  };
  return (
    <main aria-label={t("admin")}>
      <h1>{t("admin")}</h1>
      {error && <p role="alert">{error}</p>}
      <section className="card" aria-label={t("users_")}>
        <h2>{t("users_")}</h2>
        <table className="cards">
          <thead>
            <tr>
              <th scope="col">{t("name")}</th>
              <th scope="col">{t("email")}</th>
              <th scope="col">{t("role")}</th>
              <th scope="col">{t("monitoringAccess")}</th>
            </tr>
          </thead>
          <tbody>
            {state.users.map((u) => (
              <tr key={u.id}>
                <td data-label={t("name")}>{u.name}</td>
                <td data-label={t("email")}>{u.email}</td>
                <td data-label={t("role")}>
                  <select
                    aria-label={`${t("role")} ${u.name}`}
                    value={u.role}
                    onChange={(e) =>
                      void run(
                        ok(
                          rest.PATCH("/api/v1/users/{id}", {
                            params: { path: { id: u.id } },
                            body: { role: e.target.value as Role },
                          }),
                        ),
                      )
                    }
                  >
                    <option value="admin">{t("role_admin")}</option>
                    <option value="supervisor">{t("role_supervisor")}</option>
                    <option value="agent">{t("role_agent")}</option>
                  </select>
                </td>
                <td data-label={t("monitoringAccess")}>
                  <select
                    aria-label={`${t("monitoringAccess")} ${u.name}`}
                    value={u.monitoringAccess}
                    onChange={(e) =>
                      void run(
                        ok(
                          rest.PATCH("/api/v1/users/{id}", {
                            params: { path: { id: u.id } },
                            body: { monitoringAccess: e.target.value as MonitoringAccess },
                          }),
                        ),
                      )
                    }
                  >
                    <option value="none">{t("access_none")}</option>
                    <option value="live_monitoring">{t("access_live_monitoring")}</option>
                    <option value="live_monitoring_plus">{t("access_live_monitoring_plus")}</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form className="row" onSubmit={createUser}>
          <input
            aria-label={t("email")}
            placeholder={t("email")}
            value={nu.email}
            onChange={(e) => setNu({ ...nu, email: e.target.value })}
          />
          <input
            aria-label={t("name")}
            placeholder={t("name")}
            value={nu.name}
            onChange={(e) => setNu({ ...nu, name: e.target.value })}
          />
          <input
            aria-label={t("password")}
            type="password"
            placeholder={t("password")}
            value={nu.password}
            onChange={(e) => setNu({ ...nu, password: e.target.value })}
          />
          <select
            aria-label={t("role")}
            value={nu.role}
            onChange={(e) => setNu({ ...nu, role: e.target.value as Role })}
          >
            <option value="agent">{t("role_agent")}</option>
            <option value="supervisor">{t("role_supervisor")}</option>
            <option value="admin">{t("role_admin")}</option>
          </select>
          <button type="submit">{t("create")}</button>
        </form>
      </section>
      <section className="card" aria-label={t("numbers")}>
        <h2>{t("numbers")}</h2>
        {state.numbers.map((n) => (
          <fieldset key={n.id}>
            <legend>
              {n.name} ({n.e164}) — {t("distribution")}
            </legend>
            {state.users.map((u) => (
              <label key={u.id}>
                <input
                  type="checkbox"
                  checked={n.userIds.includes(u.id)}
                  onChange={(e) =>
                    void run(
                      ok(
                        rest.PATCH("/api/v1/numbers/{id}", {
                          params: { path: { id: n.id } },
                          body: {
                            userIds: e.target.checked
                              ? [...n.userIds, u.id]
                              : n.userIds.filter((id) => id !== u.id),
                          },
                        }),
                      ),
                    )
                  }
                />{" "}
                {u.name}
              </label>
            ))}
          </fieldset>
        ))}
      </section>
      <section className="card" aria-label={t("contacts")}>
        <h2>{t("contacts")}</h2>
        <ul>
          {contacts.map((c) => (
            <li key={c.id}>
              {c.name} — {c.phoneNumbers.join(", ")}
              {c.company ? ` · ${c.company}` : ""}
            </li>
          ))}
        </ul>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void ok(
              rest.POST("/api/v1/contacts", {
                body: { name: contact.name, phoneNumbers: contact.phone ? [contact.phone] : [] },
              }),
            )
              .then(() => {
                setContact({ name: "", phone: "" });
                loadContacts();
              })
              .catch((err: unknown) => setError(te(err)));
          }}
        >
          <input
            aria-label={t("name")}
            placeholder={t("name")}
            value={contact.name}
            onChange={(e) => setContact({ ...contact, name: e.target.value })}
          />
          <input
            aria-label={t("phoneNumbers")}
            placeholder="+34…"
            value={contact.phone}
            onChange={(e) => setContact({ ...contact, phone: e.target.value })}
          />
          <button type="submit">{t("create")}</button>
        </form>
      </section>
    </main>
  );
}
