// Finds English left in a page shown in Spanish: every English dictionary value whose Spanish
// differs (so "Coach", "Supervisor" or "Earshot", the same in both, do not count), matched as
// whole words ("Agent" is not found in "Agente"), placeholders as wildcards.
import type { Page } from "playwright-core";
import { en } from "../../web/app/src/shared/i18n.en.ts";
import { es } from "../../web/app/src/shared/i18n.es.ts";

const escapeRe = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, "\\$&");

const PATTERNS: Array<[string, RegExp]> = Object.entries(en)
  .filter(([k, v]) => es[k as keyof typeof es] !== v && v.replace(/\{\w+\}/g, "").trim().length > 2)
  .map(([k, v]) => [
    k,
    new RegExp(
      `(^|[^\\p{L}])${escapeRe(v)
        .replace(/\{\w+\}/g, ".+?")
        .replace(/[{}]/g, "\\$&")}($|[^\\p{L}])`,
      "u",
    ),
  ]);

/**
 * The English strings (key: value) visible on `page`, empty when it is all Spanish. `names` are
 * proper names in the data (a user called "Admin", the "Support" number), taken out first.
 */
export async function englishOn(page: Page, names: string[] = []): Promise<string[]> {
  // innerText, not textContent: what is rendered (a hidden tab panel is not read).
  // biome-ignore lint/performance/useDomNodeTextContent: the visible text is the point
  let text = await page.evaluate(() => document.body.innerText);
  for (const name of names)
    text = text.replace(new RegExp(`(^|[^\\p{L}])${escapeRe(name)}(?=$|[^\\p{L}])`, "gu"), "$1");
  return PATTERNS.filter(([, re]) => re.test(text)).map(([k]) => `${k}: ${en[k as keyof typeof en]}`);
}
