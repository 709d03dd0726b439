// Driving the real web app in Debian's Chromium and Firefox: launch with a fake-microphone
// tone, sign in and pass the first-use set-up as a user would, and read what a tab's audio
// legs hear (the app's test build exposes them as window.earshotLegs).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, firefox, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "./browser.ts";

// The pages come from web/dist: it must be the test build, which has the hooks read here
// (web/app/src/shared/testHooks.ts). Cheap when it already is and is current.
execFileSync(process.execPath, ["scripts/ensure-web.mjs", "--test"], {
  cwd: fileURLToPath(new URL("../..", import.meta.url)),
  stdio: "inherit",
});

/**
 * Content-Security-Policy violations met by any page of a browser launched here, in the page's
 * own words (its `securitypolicyviolation` events, and the console's report of one): the app
 * must run under its CSP, so a browser test ends by asserting this is empty.
 */
export const cspViolations: string[] = [];

const REPORT_VIOLATIONS = () =>
  document.addEventListener("securitypolicyviolation", (e) =>
    console.error(
      `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${e.documentURI}`,
    ),
  );

async function watchCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript(REPORT_VIOLATIONS);
  context.on("console", (m) => {
    if (/CSP violation|Content[- ]Security[- ]Policy/i.test(m.text())) cspViolations.push(m.text());
  });
}

/** Every context (and so every page) of `browser` reports its CSP violations to cspViolations. */
export function reportingCsp(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await watchCsp(context);
    return context;
  };
  return browser;
}

export async function launchChromium(toneWav?: string, lang = "en-US"): Promise<Browser> {
  const args = [...CHROMIUM_ARGS, `--lang=${lang}`];
  if (toneWav) args.push(`--use-file-for-fake-audio-capture=${toneWav}`);
  return reportingCsp(await chromium.launch({ executablePath: CHROMIUM, headless: true, args }));
}

/** Debian's firefox-esr through WebDriver BiDi (shared/recipes/firefox-e2e.md). */
export async function launchFirefox(fakeToneHz = 1000): Promise<Browser> {
  const browser = await firefox.launch({
    channel: "moz-firefox",
    executablePath: "/usr/bin/firefox-esr",
    headless: true,
    firefoxUserPrefs: {
      "media.navigator.streams.fake": true,
      "media.navigator.permission.disabled": true,
      "media.navigator.permission.fake": true,
      "media.cubeb.force_mock_context": true,
      "media.peerconnection.ice.loopback": true,
      "media.peerconnection.ice.obfuscate_host_addresses": false,
      "media.navigator.audio.fake_frequency": fakeToneHz,
      "media.autoplay.default": 0,
    },
  });
  return reportingCsp(browser);
}

/** How long each step of a sign-in may take (the shell shows within a few seconds even under load). */
const SIGN_IN_STEP_MS = 20_000;

export async function signIn(page: Page, baseUrl: string, email: string, setup = true): Promise<void> {
  const seen = watchPage(page);
  const timeout = SIGN_IN_STEP_MS;
  // When a step does not happen, the failure says what the tab showed, logged and was answered,
  // not just which locator timed out.
  let step = "open the app";
  try {
    await page.goto(baseUrl);
    step = "type the email";
    // Typed key by key: Firefox (WebDriver BiDi) fill() does not reach React's controlled inputs.
    await page.getByLabel(/Email|Correo/).pressSequentially(email, { timeout });
    step = "type the password";
    await page.getByLabel(/Password|Contraseña/).pressSequentially("demo1234", { timeout });
    step = "sign in";
    await page.getByRole("button", { name: /Sign in|Iniciar sesión/ }).click({ timeout });
    if (!setup) return;
    step = "pass the set-up";
    await passSetup(page, timeout);
    step = "see the signed-in shell";
    await page.locator('nav[aria-label="main"]').waitFor({ timeout });
  } catch (e) {
    const shown = await page
      .locator("body")
      .textContent({ timeout: 2000 })
      .then((text) => text ?? "")
      .catch((err: Error) => `(unreadable: ${err.message})`);
    throw new Error(
      `${email}: could not ${step} at ${page.url()}: ${(e as Error).message.split("\n")[0]}\n` +
        `page shows: ${shown.replace(/\s+/g, " ").slice(0, 600)}\n` +
        `page saw:\n  ${seen.join("\n  ") || "nothing"}`,
    );
  }
}

/** What a page logs, fails to load and is refused (4xx/5xx) from now on, newest last (at most 40). */
function watchPage(page: Page): string[] {
  const seen: string[] = [];
  const note = (line: string) => {
    const redacted = line.replace(/(token=)[^&\s'"]+/gi, "$1…");
    seen.push(`${new Date().toISOString().slice(11, 23)} ${redacted}`);
    if (seen.length > 40) seen.shift();
  };
  page.on("console", (m) => note(`console.${m.type()}: ${m.text().slice(0, 300)}`));
  page.on("pageerror", (e) => note(`pageerror: ${e.message}`));
  page.on("load", () => note(`loaded ${page.url()}`));
  page.on("crash", () => note("the page crashed"));
  page.on("requestfailed", (r) => note(`failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ""}`));
  page.on("response", (r) => {
    if (r.status() >= 400) note(`${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  page.on("websocket", (ws) => {
    note(`websocket open ${ws.url()}`);
    ws.on("close", () => note("websocket closed"));
    ws.on("socketerror", (err) => note(`websocket error ${err}`));
  });
  return seen;
}

/** A new page in its own context of `browser`, signed in as `email` (in Spanish with "es"). */
const framesOf = new WeakMap<Page, string[]>();

/** The text frames the server sent the page's WebSockets so far (openSignedIn with `record`). */
export function receivedFrames(page: Page): readonly string[] {
  return framesOf.get(page) ?? [];
}

export async function openSignedIn(
  browser: Browser,
  baseUrl: string,
  email: string,
  lang?: "es",
  opts: { record?: boolean } = {},
): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  if (opts.record) {
    // Through the test: what the server sends is noted, then passed on unchanged.
    const frames: string[] = [];
    framesOf.set(page, frames);
    await page.routeWebSocket(/\/api\/v1\/ws/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((m) => {
        frames.push(String(m));
        ws.send(m);
      });
    });
  }
  if (lang) await page.addInitScript(() => localStorage.setItem("earshot.lang", "es"));
  await signIn(page, baseUrl, email);
  return page;
}

export async function passSetup(page: Page, timeout?: number): Promise<void> {
  await page.getByRole("button", { name: /Allow microphone|Permitir micrófono/ }).click({ timeout });
  await page.getByRole("button", { name: /Finish set-up|Terminar configuración/ }).click({ timeout });
}

/** Levels (dB) of `freqs` in each slot of the tab's `role` leg; null when it has none. */
export async function hears(page: Page, role: string, freqs: number[]): Promise<number[][] | null> {
  return page.evaluate(
    ([r, f]) => {
      const leg = (
        window as unknown as { earshotLegs?: Record<string, { levelAt(s: number, hz: number): number }> }
      ).earshotLegs?.[r as string];
      if (!leg) return null;
      return [0, 1].map((slot) => (f as number[]).map((hz) => leg.levelAt(slot, hz)));
    },
    [role, freqs] as const,
  );
}

export const PRESENT_DB = -45;
export const ABSENT_DB = -60;

/** Polls until `check` passes (returns null) or fails with its last complaint. */
export async function until(check: () => Promise<string | null>, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  let last: string | null = "never checked";
  while (Date.now() < deadline) {
    last = await check();
    if (last === null) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: ${last}`);
}

/** The first-use set-up's network check of `email`'s tab, as the rows and the conclusion read. */
export async function firstUseCheck(
  page: Page,
  url: string,
  email = "ana@demo.test",
): Promise<{ rows: Record<string, string>; via: Record<string, string>; path: string }> {
  await signIn(page, url, email, false);
  await page.getByRole("button", { name: /Allow microphone|Permitir micrófono/ }).click();
  const summary = page.locator("[data-path]");
  await summary.waitFor({ timeout: 40_000 });
  const rows = await page
    .locator("li[data-row]")
    .evaluateAll((lis) =>
      Object.fromEntries(
        lis.map((li) => [
          li.getAttribute("data-row"),
          li.querySelector("[data-result]")?.getAttribute("data-result"),
        ]),
      ),
    );
  const via = await page
    .locator("li[data-row][data-via]")
    .evaluateAll((lis) => Object.fromEntries(lis.map((li) => [li.dataset.row, li.dataset.via])));
  return { rows, via, path: (await summary.getAttribute("data-path")) ?? "" };
}

/** A row's text, whitespace collapsed. */
export async function rowText(page: Page, row: string): Promise<string> {
  const text = await page.locator(`li[data-row=${row}]`).textContent();
  return (text ?? "").replace(/\s+/g, " ").trim();
}
