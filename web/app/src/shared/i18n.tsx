// English (default) and Spanish. The language follows the browser and can be switched;
// the choice is kept in localStorage. The strings are in i18n.en.ts and i18n.es.ts.
import { createContext, type ReactNode, useContext, useState } from "react";
import { en, type Key, type T } from "./i18n.en.ts";
import { errorText, type Lang } from "./i18n.errors.ts";
import { es } from "./i18n.es.ts";

export type { Key, Lang, T };

const DICTS: Record<Lang, Record<Key, string>> = { en, es };
const LANG_KEY = "earshot.lang";

export function initialLang(): Lang {
  const saved = localStorage.getItem(LANG_KEY);
  if (saved === "en" || saved === "es") return saved;
  return navigator.language.toLowerCase().startsWith("es") ? "es" : "en";
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: T;
  /** A failure as the user reads it: a server refusal by its code, a field by its rule. */
  te(error: unknown): string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = (l: Lang) => {
    localStorage.setItem(LANG_KEY, l);
    document.documentElement.lang = l;
    setLangState(l);
  };
  const t: T = (key, vars) =>
    Object.entries(vars ?? {}).reduce((s, [k, v]) => s.replace(`{${k}}`, v), DICTS[lang][key] ?? key);
  const te = (error: unknown) => errorText(lang, error);
  document.documentElement.lang = lang;
  return <Ctx.Provider value={{ lang, setLang, t, te }}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error("I18nProvider missing");
  return v;
}

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang">
      <span className="lang-name">{t("language")}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        <option value="en">English</option>
        <option value="es">Español</option>
      </select>
    </label>
  );
}
