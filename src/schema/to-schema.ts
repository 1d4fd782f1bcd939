/**
 * io-ts codec → {@link SchemaJson}: walks the codec by its `_tag`, so a
 * user's event type can travel inside a portable definition.
 *
 * @module
 */
import * as t from "io-ts";
import { compareStrings } from "../core/canonical.ts";
import { DefinitionError } from "../core/errors.ts";
import type { ObjectSchema, SchemaJson } from "./json-schema.ts";

/** The io-ts codec classes `toSchema` understands, discriminated by `_tag`. */
type Known =
  | t.StringType
  | t.NumberType
  | t.BooleanType
  | t.NullType
  | t.UnknownType
  | t.LiteralType<string | number | boolean>
  | t.KeyofType<Record<string, unknown>>
  | t.UnionType<t.Mixed[]>
  | t.IntersectionType<t.Mixed[]>
  | t.InterfaceType<t.Props>
  | t.PartialType<t.Props>
  | t.ExactType<t.Mixed>
  | t.StrictType<t.Props>
  | t.ArrayType<t.Mixed>
  | t.ReadonlyArrayType<t.Mixed>
  | t.ReadonlyType<t.Mixed>
  | t.DictionaryType<t.Mixed, t.Mixed>
  | t.AnyArrayType
  | t.AnyDictionaryType
  | t.RefinementType<t.Mixed>;

const SUPPORTED =
  "t.string, t.number, t.Int, t.boolean, t.null, t.unknown, t.literal, t.keyof, t.union, t.intersection, " +
  "t.type, t.partial, t.exact/t.strict, t.array, t.readonly, t.readonlyArray, t.record(t.string, …), " +
  "t.UnknownArray and t.UnknownRecord";

const unsupported = (codec: t.Mixed, at: string, why: string, fix?: string): DefinitionError =>
  new DefinitionError(
    at,
    `codec ${JSON.stringify(codec.name)} ${why}, so it cannot travel in a portable definition`,
    fix ?? `build the schema from ${SUPPORTED}; decode custom types (dates, brands, recursion) in a later step`,
  );

/** Builds a properties object; `Object.fromEntries` keeps a `__proto__` key as an own property. */
const propertiesOf = (props: t.Props, at: string): Record<string, SchemaJson> =>
  Object.fromEntries(Object.keys(props).map((k) => [k, toSchema(props[k]!, `${at}.properties[${JSON.stringify(k)}]`)]));

const objectOf = (props: t.Props, required: boolean, at: string): ObjectSchema => ({
  type: "object",
  properties: propertiesOf(props, at),
  required: required ? Object.keys(props) : [],
});

/**
 * The {@link SchemaJson} of an io-ts codec. `properties` and `required`
 * follow the codec's key order; `t.keyof` values are sorted.
 *
 * @param at where the codec sits, used in error paths (default `schema`)
 * @throws DefinitionError for a codec outside the supported combinators
 *   (functions, `t.recursion`, `t.undefined`, refinements other than `t.Int`,
 *   custom codecs without a `_tag`), naming the codec and the supported list.
 */
export const toSchema = (codec: t.Mixed, at = "schema"): SchemaJson => {
  const c = codec as Known;
  switch (c._tag) {
    case "StringType":
      return { type: "string" };
    case "NumberType":
      return { type: "number" };
    case "BooleanType":
      return { type: "boolean" };
    case "NullType":
      return { type: "null" };
    case "UnknownType":
      return { type: "unknown" };
    case "LiteralType":
      return { const: c.value };
    case "KeyofType":
      return { enum: Object.keys(c.keys).sort(compareStrings) };
    case "UnionType":
      return { anyOf: c.types.map((m, i) => toSchema(m, `${at}.anyOf[${i}]`)) };
    case "IntersectionType":
      return { allOf: c.types.map((m, i) => toSchema(m, `${at}.allOf[${i}]`)) };
    case "InterfaceType":
      return objectOf(c.props, true, at);
    case "PartialType":
      return objectOf(c.props, false, at);
    case "StrictType":
      return { ...objectOf(c.props, true, at), exact: true };
    case "ExactType": {
      const inner = toSchema(c.type, at);
      if (!("type" in inner) || inner.type !== "object") {
        throw unsupported(
          codec,
          at,
          "wraps something other than t.type or t.partial in t.exact",
          "apply t.exact to each t.type/t.partial member instead of to their intersection",
        );
      }
      return { ...inner, exact: true };
    }
    case "ArrayType":
    case "ReadonlyArrayType":
      return { type: "array", items: toSchema(c.type, `${at}.items`) };
    case "AnyArrayType":
      return { type: "array", items: { type: "unknown" } };
    case "ReadonlyType":
      // Readonly is a compile-time notion only: same values, same schema.
      return toSchema(c.type, at);
    case "DictionaryType":
      if ((c.domain as Known)._tag !== "StringType") {
        throw unsupported(codec, at, "has keys other than t.string", "use t.record(t.string, …), or t.type/t.partial for fixed keys");
      }
      return { type: "record", values: toSchema(c.codomain, `${at}.values`) };
    case "AnyDictionaryType":
      return { type: "record", values: { type: "unknown" } };
    case "RefinementType":
      if (codec === t.Int || codec === (t.Integer as t.Mixed)) return { type: "integer" };
      throw unsupported(
        codec,
        at,
        "is a refinement or brand (its predicate is code)",
        "declare the base type (only t.Int is portable) and check the condition in a filter step",
      );
    default: {
      const tag = (codec as { _tag?: unknown })._tag;
      if (tag === "UndefinedType" || tag === "VoidType") {
        throw unsupported(
          codec,
          at,
          "is undefined, which JSON cannot hold",
          "for an optional field, move it into t.partial instead of t.union([…, t.undefined])",
        );
      }
      if (tag === "AnyType") {
        // t.record(t.string, t.any) accepts arrays where t.unknown's does not: not interchangeable.
        throw unsupported(codec, at, "is t.any", "use t.unknown instead");
      }
      if (tag === "RecursiveType") {
        throw unsupported(codec, at, "is recursive", "describe the recursive part as t.unknown and check it in a later step");
      }
      const why = typeof tag === "string" ? `has the unsupported tag ${tag}` : "is a custom codec without a _tag";
      throw unsupported(codec, at, why);
    }
  }
};
