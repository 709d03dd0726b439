// A database that is down, full or unreachable is `storage_unavailable` (503), not a 500:
// the request may succeed shortly, and a load balancer reading /ready stops sending traffic.
// The translation happens at the one place every query passes, the Kysely driver, so every
// route and the WebSocket channel get the same code; any other database error (a constraint,
// a bug) goes through unchanged.
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryResult,
  TransactionSettings,
} from "kysely";
import { EarshotError } from "../control/errors.ts";

/** SQLSTATE classes that mean "the database cannot serve now" rather than "this query is wrong". */
const UNAVAILABLE_SQLSTATE = [
  /^08/, // connection exception
  /^53/, // insufficient resources: disk_full, out_of_memory, too_many_connections
  /^57P0[1-4]$/, // admin / crash shutdown, cannot connect now, database dropped
  /^58/, // system error: I/O error, undefined file
  /^25006$/, // read-only transaction: a replica after a failover
];

/** Operating-system errors on the way to the database or its files. */
const UNAVAILABLE_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENOSPC",
  "EDQUOT",
  "EIO",
  "EROFS",
]);

/** Messages of pg's pool and client, PGlite and Kysely for a connection that is gone. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Cannot use a pool after calling end|PGlite is closed|driver has already been destroyed/i;

export function isStorageUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e instanceof WebAssembly.RuntimeError) return true; // the embedded database aborted
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string") {
    if (UNAVAILABLE_ERRNO.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_SQLSTATE.some((re) => re.test(code))) return true;
  }
  return UNAVAILABLE_MESSAGE.test(e.message);
}

function translate(e: unknown): never {
  if (!isStorageUnavailable(e)) throw e;
  const err = new EarshotError("storage_unavailable");
  err.cause = e;
  throw err;
}

const guard = <T>(p: Promise<T>): Promise<T> => p.catch(translate);

class GuardedConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}
  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    return guard(this.inner.executeQuery<R>(q));
  }
  streamQuery<R>(q: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(q, chunkSize);
  }
}

const inner = (c: DatabaseConnection) => (c instanceof GuardedConnection ? c.inner : c);

class GuardedDriver implements Driver {
  constructor(private readonly d: Driver) {}
  init = () => guard(this.d.init());
  acquireConnection = async () => new GuardedConnection(await guard(this.d.acquireConnection()));
  beginTransaction = (c: DatabaseConnection, s: TransactionSettings) =>
    guard(this.d.beginTransaction(inner(c), s));
  commitTransaction = (c: DatabaseConnection) => guard(this.d.commitTransaction(inner(c)));
  rollbackTransaction = (c: DatabaseConnection) => guard(this.d.rollbackTransaction(inner(c)));
  releaseConnection = (c: DatabaseConnection) => this.d.releaseConnection(inner(c));
  destroy = () => this.d.destroy();
}

/** The same dialect, its driver's failures of availability raised as storage_unavailable. */
export function guardDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new GuardedDriver(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
