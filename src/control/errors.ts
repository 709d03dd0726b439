// The closed set of domain errors. Every refusal carries a registry code; the API maps
// it to the code's HTTP status and message.
import { ERRORS, type ErrorCode } from "../protocol/errors.ts";

export class EarshotError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message?: string) {
    super(message ?? ERRORS[code].message);
    this.name = "EarshotError";
    this.code = code;
    this.status = ERRORS[code].status;
  }
}

export function fail(code: ErrorCode, message?: string): never {
  throw new EarshotError(code, message);
}
