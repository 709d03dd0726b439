// What a new password must be: long enough, and not one of the passwords attackers try first
// (zxcvbn's list of the most common ones, bundled with the package: nothing is fetched).
import { fail } from "./errors.ts";

export const MIN_PASSWORD_LENGTH = 10;

let common: Promise<Set<string>> | null = null;

/** Loaded on first use: decompressing the list takes a few tens of milliseconds. */
function commonPasswords(): Promise<Set<string>> {
  common ??= import("@zxcvbn-ts/language-common").then(
    ({ dictionary }) =>
      new Set(dictionary["passwords-common"].filter((p) => p.length >= MIN_PASSWORD_LENGTH)),
  );
  return common;
}

/** Refuses a password too short or too common (400, with the rule in the message). */
export async function checkNewPassword(password: string): Promise<void> {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    fail("password_too_short", `Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`);
  if ((await commonPasswords()).has(password.toLowerCase())) fail("password_too_common");
}
