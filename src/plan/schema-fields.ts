/**
 * Reading fields out of a {@link SchemaJson}: which fields a value of a
 * schema has, and the schema of a field path. The row-type inference
 * (`row-types.ts`) describes every stage's elements with schemas and checks
 * field references with these functions.
 *
 * Rules, chosen to refuse only what TypeScript would refuse:
 * - an optional field (`t.partial`) exists;
 * - `allOf` (`t.intersection`) has the fields of every member;
 * - `anyOf` (`t.union`) has the fields of any member (a tagged union's
 *   variants each add theirs); its non-object members add none;
 * - `record` and `unknown` are **open**: any field may exist, so nothing is
 *   checked below them.
 *
 * @module
 */
import type { SchemaJson } from "../schema/json-schema.ts";

/** The schema of a value nothing is known about: an open row, checks skipped. */
export const UNKNOWN: SchemaJson = { type: "unknown" };

/** What a schema says about the fields of its values. */
export interface FieldsOf {
  /** Known field names (declaration order) and their schemas. */
  readonly fields: ReadonlyMap<string, SchemaJson>;
  /** True when other fields may exist too (records, unknown): references are not checked. */
  readonly open: boolean;
  /** True when the value can be an object at all. */
  readonly object: boolean;
}

/** The union of several schemas, flattened and without repeats. */
export const anyOf = (members: readonly SchemaJson[]): SchemaJson => {
  const flat: SchemaJson[] = [];
  const seen = new Set<string>();
  for (const m of members.flatMap((s) => ("anyOf" in s ? s.anyOf : [s]))) {
    const k = JSON.stringify(m);
    if (!seen.has(k)) seen.add(k), flat.push(m);
  }
  if (flat.some((m) => "type" in m && m.type === "unknown")) return UNKNOWN;
  return flat.length === 1 ? flat[0]! : { anyOf: flat };
};

const merge = (parts: readonly FieldsOf[], combine: (types: SchemaJson[]) => SchemaJson): FieldsOf => {
  const byName = new Map<string, SchemaJson[]>();
  for (const p of parts) for (const [k, s] of p.fields) byName.set(k, [...(byName.get(k) ?? []), s]);
  return {
    fields: new Map([...byName].map(([k, ss]) => [k, ss.length === 1 ? ss[0]! : combine(ss)])),
    open: parts.some((p) => p.open),
    object: parts.some((p) => p.object),
  };
};

/** The fields of values of `s` (see the module docs for unions, intersections and open schemas). */
export const fieldsOf = (s: SchemaJson): FieldsOf => {
  if ("anyOf" in s) return merge(s.anyOf.map(fieldsOf), anyOf);
  // An intersection's field is constrained by every member; for existence checks the first one says enough.
  if ("allOf" in s) return merge(s.allOf.map(fieldsOf), (ss) => ({ allOf: ss }));
  if ("type" in s) {
    if (s.type === "object") return { fields: new Map(Object.entries(s.properties)), open: false, object: true };
    if (s.type === "record" || s.type === "unknown") return { fields: new Map(), open: true, object: true };
  }
  return { fields: new Map(), open: false, object: false };
};

/** True when nothing is known about the fields of `s` (checks below it are skipped). */
export const isOpen = (s: SchemaJson): boolean => fieldsOf(s).open;

/** A short name of what a schema holds, for messages ("a string", "an array"). */
export const describeSchema = (s: SchemaJson): string => {
  if ("const" in s) return `the constant ${JSON.stringify(s.const)}`;
  if ("enum" in s) return "a string (one of " + s.enum.map((v) => JSON.stringify(v)).join(", ") + ")";
  if ("anyOf" in s) return s.anyOf.map(describeSchema).join(" or ");
  if ("allOf" in s) return s.allOf.map(describeSchema).join(" and ");
  switch (s.type) {
    case "array":
      return "an array";
    case "object":
    case "record":
      return "an object";
    case "integer":
      return "an integer";
    default:
      return `a ${s.type}`;
  }
};

/** The outcome of reading a field path from a row type. */
export type PathResult =
  | { readonly ok: true; readonly type: SchemaJson }
  /** `path[at]` does not exist on `path[0..at)`: `fields` are the ones that do. */
  | { readonly ok: false; readonly at: number; readonly fields: readonly string[]; readonly parent: SchemaJson };

/**
 * Walks `path` from a row of type `row`. Fails at the first step whose name
 * the schema does not declare (below an open schema everything is allowed).
 */
export const readPath = (row: SchemaJson, path: readonly string[]): PathResult => {
  let cur = row;
  for (let i = 0; i < path.length; i++) {
    const f = fieldsOf(cur);
    const next = f.fields.get(path[i]!);
    if (next !== undefined) cur = next;
    else if (f.open) return { ok: true, type: UNKNOWN };
    else return { ok: false, at: i, fields: [...f.fields.keys()], parent: cur };
  }
  return { ok: true, type: cur };
};

/** An object schema with every listed field required, in this order. */
export const objectOf = (fields: Iterable<readonly [string, SchemaJson]>): SchemaJson => {
  const properties = Object.fromEntries(fields);
  return { type: "object", properties, required: Object.keys(properties) };
};
