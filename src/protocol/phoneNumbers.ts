// What an agent may dial as a conference's third party or an external transfer (SPEC §2): an
// international E.164 number (`+`, then 8 to 15 digits, the first not 0) or one of the
// server's emergency numbers (EARSHOT_EMERGENCY_NUMBERS). One rule: the API refuses with it
// (invalid_phone_number) and the web app's forms check it before sending.

const E164 = /^\+[1-9][0-9]{7,14}$/;

/** The number as typed, without the spaces, dots, hyphens and parentheses people write in it. */
export function compactNumber(typed: string): string {
  return typed.replace(/[\s.()-]/g, "");
}

/** Whether `number` (compact) may be dialled as a third party or an external transfer. */
export function isDiallable(number: string, emergencyNumbers: readonly string[]): boolean {
  return E164.test(number) || emergencyNumbers.includes(number);
}
