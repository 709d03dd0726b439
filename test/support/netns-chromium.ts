// Headless Chromium inside a namespace of the test network, driven by playwright-core as
// usual: executablePath is a generated wrapper that execs `ip netns exec NS chromium "$@"`.
// `ip netns exec` does not fork, so playwright's pipe (fds 3 and 4) and the pid it kills are
// Chromium's own.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "./browser.ts";
import type { TestCert } from "./certs.ts";
import type { NetHost } from "./netns.ts";

export interface ChromiumInOptions {
  /** Trusts this certificate (by its SPKI hash) for HTTPS and WSS. */
  cert?: TestCert;
  /** Names this browser resolves without DNS (there is none), e.g. { "earshot.test": net.server.address }. */
  hosts?: Record<string, string>;
  /** More flags, e.g. `--use-file-for-fake-audio-capture=FILE.wav` (one browser per distinct file). */
  args?: string[];
}

export async function launchChromiumIn(host: NetHost, opts: ChromiumInOptions = {}): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), "earshot-chromium-"));
  const wrapper = join(dir, "chromium");
  // The namespace name is ours ([a-z0-9-]), so it needs no shell quoting beyond this.
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${host.ns}' '${CHROMIUM}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  try {
    const browser = await chromium.launch({
      executablePath: wrapper,
      headless: true,
      args: [
        ...CHROMIUM_ARGS,
        ...(opts.cert ? [opts.cert.chromiumFlag] : []),
        ...(opts.hosts ? [`--host-resolver-rules=${hostRules(opts.hosts)}`] : []),
        ...(opts.args ?? []),
      ],
    });
    browser.on("disconnected", () => rmSync(dir, { recursive: true, force: true }));
    return browser;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function hostRules(hosts: Record<string, string>): string {
  return Object.entries(hosts)
    .map(([name, ip]) => `MAP ${name} ${ip}`)
    .join(", ");
}
