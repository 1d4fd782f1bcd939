/**
 * {@link SchemaJson} → io-ts codec: rebuilds an event type when a portable
 * definition is loaded. `toSchema(fromSchema(s))` equals `s` for every valid
 * `s`, and the rebuilt codec accepts exactly what the original did.
 *
 * @module
 */
import * as t from "io-ts";
import { DefinitionError } from "../core/errors.ts";
import type { SchemaJson } from "./json-schema.ts";

type Members = [t.Mixed, t.Mixed, ...t.Mixed[]];

/**
 * The io-ts codec described by `schema`. Validate schemas read from files
 * with `SchemaJsonCodec` or `parseSchemaJson` first.
 *
 * Mapping: integer → `t.Int`; object with every key required → `t.type`,
 * with none required → `t.partial`; `exact` → `t.exact`; enum → `t.keyof`;
 * record → `t.record(t.string, …)`.
 *
 * @param at where the schema sits, used in error paths (default `schema`)
 * @throws DefinitionError for a value that is not a valid schema
 */
export const fromSchema = (schema: SchemaJson, at = "schema"): t.Mixed => {
  if ("const" in schema) return t.literal(schema.const);
  if ("enum" in schema) return t.keyof(Object.fromEntries(schema.enum.map((v) => [v, null])));
  if ("anyOf" in schema) return union(schema.anyOf.map((m, i) => fromSchema(m, `${at}.anyOf[${i}]`)) as Members);
  if ("allOf" in schema) {
    // io-ts types intersections of up to 5 members; at runtime it takes any number.
    const members = schema.allOf.map((m, i) => fromSchema(m, `${at}.allOf[${i}]`));
    return t.intersection(members as unknown as [t.Mixed, t.Mixed]);
  }
  switch (schema.type) {
    case "string":
      return t.string;
    case "number":
      return t.number;
    case "integer":
      return t.Int;
    case "boolean":
      return t.boolean;
    case "null":
      return t.null;
    case "unknown":
      return t.unknown;
    case "array":
      return t.array(fromSchema(schema.items, `${at}.items`));
    case "record":
      return t.record(t.string, fromSchema(schema.values, `${at}.values`));
    case "object": {
      const keys = Object.keys(schema.properties);
      // fromEntries keeps a "__proto__" property as an own key.
      const props: t.Props = Object.fromEntries(keys.map((k) => [k, fromSchema(schema.properties[k]!, `${at}.properties[${JSON.stringify(k)}]`)]));
      const codec = schema.required.length === 0 && keys.length > 0 ? t.partial(props) : t.type(props);
      return schema.exact ? t.exact(codec) : codec;
    }
    default:
      throw new DefinitionError(
        at,
        `not a valid schema: ${JSON.stringify(schema)}`,
        "check schemas read from files with SchemaJsonCodec or parseSchemaJson before rebuilding them",
      );
  }
};

/**
 * `t.union`, except when io-ts's tagged-union detection throws: it indexes
 * literal properties in a plain object, so a literal property named like an
 * `Object.prototype` member (`constructor`, `toString`) crashes it. The plain
 * union built then accepts the same values (the tag index is only a shortcut).
 */
const union = (members: Members): t.Mixed => {
  try {
    return t.union(members);
  } catch {
    return plainUnion(members);
  }
};

const plainUnion = (members: Members): t.Mixed =>
  new t.UnionType(
    `(${members.map((m) => m.name).join(" | ")})`,
    (u): u is unknown => members.some((m) => m.is(u)),
    (u, c) => {
      const errors: t.ValidationError[] = [];
      for (let i = 0; i < members.length; i++) {
        const m = members[i]!;
        const r = m.validate(u, [...c, { key: String(i), type: m, actual: u }]);
        if (r._tag === "Right") return r;
        errors.push(...r.left);
      }
      return t.failures(errors);
    },
    (a) => {
      const m = members.find((x) => x.is(a));
      return m ? m.encode(a) : a;
    },
    members,
  );
