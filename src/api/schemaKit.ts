// The helpers every TypeBox resource schema is written with (resourceSchemas.ts): a named
// reference, nullable and literal unions, a closed named object, and the compile-time check
// that a schema and its protocol interface are the same type.
import { type Static, type TSchema, Type } from "@sinclair/typebox";

/** A reference to a named schema (`$ref`), typed as the schema it names. */
export function ref<T extends TSchema>(schema: T) {
  if (!schema.$id) throw new Error("ref() needs a schema with an $id");
  return Type.Unsafe<Static<T>>({ $ref: `${schema.$id}#` });
}

export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const literals = <const L extends readonly string[]>(values: L) =>
  Type.Unsafe<L[number]>(Type.Union(values.map((v) => Type.Literal(v))));
export const object = <P extends Parameters<typeof Type.Object>[0]>(
  id: string,
  props: P,
  description?: string,
) => Type.Object(props, { $id: id, additionalProperties: false, ...(description ? { description } : {}) });
export const Str = Type.String();
export const NullableStr = nullable(Str);

/**
 * Compile-time: `Static<schema>` and the interface are the same type (each assignable to the
 * other, and the same keys, optional ones included). Nested objects are refs to their own
 * checked schema, so the check covers them too.
 */
type Same<A, B> = [A] extends [B]
  ? [B] extends [A]
    ? [keyof A] extends [keyof B]
      ? [keyof B] extends [keyof A]
        ? true
        : false
      : false
    : false
  : false;
export const same = <S extends TSchema, I>(_check: Same<Static<S>, I>): void => {};
