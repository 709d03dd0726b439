// Fastify's schema compilers, shared by every Fastify instance of the process. By default each
// instance builds its own Ajv and compiles every route's validators and fast-json-stringify
// serializers again (≈ 0.6 s of CPU per instance); a node runs one instance, but the tests start
// hundreds in one process. The compiled functions depend only on the schema, the named schemas
// (addSchema) and the options, so they are made once per schema object and reused.
import { AjvCompiler } from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";

// Pools one Ajv per (named schemas, Ajv options); Ajv itself caches each compiled schema object.
const buildValidator = AjvCompiler();

type Serializer = (doc: unknown) => string;
type RouteDefinition = { method: string; url: string; httpStatus: string; schema?: unknown };

const selectSerializer = SerializerSelector();
/** Per (named schemas, options) key: the compiled serializer of each response schema object. */
const serializers = new Map<string, WeakMap<object, Serializer>>();

function buildSerializer(externalSchemas: unknown, options: object | undefined) {
  const compile = selectSerializer(externalSchemas, options);
  const key = JSON.stringify([externalSchemas, options]);
  const cache = serializers.get(key) ?? new WeakMap<object, Serializer>();
  serializers.set(key, cache);
  return (route: RouteDefinition): Serializer => {
    const schema = route.schema;
    if (typeof schema !== "object" || schema === null) return compile(route);
    const serializer = cache.get(schema) ?? compile(route);
    cache.set(schema, serializer);
    return serializer;
  };
}

/** Fastify's `schemaController.compilersFactory`. */
export const compilersFactory = { buildValidator, buildSerializer };
