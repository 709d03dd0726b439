// The process's one logger (pino), made at the composition root before anything that logs:
// Fastify is given it (`loggerInstance`), the control plane, the media plane and the trunks
// get it as the Logger port (control/ports.ts).
//
// Redaction rules, for every part: never log query strings (tokens) nor bodies (passwords);
// personal data stays out of messages. The client's address (through the proxy when trusted)
// goes in a field of its own. Fastify's request and response lines use these serializers.
import { pino } from "pino";
import type { Logger } from "./control/ports.ts";

export interface LoggerOptions {
  /** pino's level: "silent", "error", "warn", "info", "debug", … */
  level: string;
  /** Where log lines go (default stdout); tests read them. */
  stream?: { write(line: string): void };
}

export type RootLogger = pino.Logger;

export function createLogger(options: LoggerOptions): RootLogger {
  return pino(
    {
      level: options.level,
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string }) => ({
          method: req.method,
          url: String(req.url).split("?")[0],
          ip: req.ip,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    options.stream ?? process.stdout,
  );
}

/** Until a part is given the process's logger: warnings and errors to stderr, as JSON lines. */
export const fallbackLogger: Logger = createLogger({ level: "warn", stream: process.stderr });

/** `log`, and every line also handed to `tap` (observability hooks, tests). */
export function teeLogger(
  log: Logger,
  tap: (msg: string, fields: Record<string, unknown>, level: keyof Logger) => void,
): Logger {
  const level =
    (name: keyof Logger) =>
    (fields: Record<string, unknown>, msg: string): void => {
      log[name](fields, msg);
      tap(msg, fields, name);
    };
  return { debug: level("debug"), info: level("info"), warn: level("warn"), error: level("error") };
}
