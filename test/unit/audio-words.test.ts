// A leg's audio state in words (web/app/src/shared/words.ts): a failure refused by the server
// keeps its error code, shown as the translated sentence, never the server's English message.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { coachingEs } from "../../web/app/src/shared/i18n.coaching.ts";
import type { T } from "../../web/app/src/shared/i18n.en.ts";
import { errorsEs, errorText } from "../../web/app/src/shared/i18n.errors.ts";
import { audioText } from "../../web/app/src/shared/words.ts";

const t = ((key: string) => (coachingEs as Record<string, string>)[key] ?? key) as T;
const te = (error: unknown) => errorText("es", error);

describe("a leg's audio state in words", () => {
  it("translates a refusal's code in the failure's detail", () => {
    assert.equal(
      audioText(t, te, "failed: call_not_live"),
      `${coachingEs.audio_failed} (${errorsEs.call_not_live})`,
    );
  });
  it("keeps a browser's own failure text, and names the plain states", () => {
    assert.equal(audioText(t, te, "failed: no local offer"), `${coachingEs.audio_failed} (no local offer)`);
    assert.equal(audioText(t, te, "connected"), coachingEs.audio_connected);
  });
});
