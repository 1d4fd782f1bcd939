/**
 * The JSON form of an event schema, as carried inside a portable pipeline
 * definition: a small JSON-Schema-like subset that mirrors the io-ts
 * combinators one to one, so `toSchema` and `fromSchema` are exact inverses.
 *
 * Canonical-form rules (enforced by {@link SchemaJsonCodec}, so that a schema
 * read from a file round-trips byte for byte):
 * - `required` is either every property key in `properties` order (from
 *   `t.type`) or empty (from `t.partial`); a mix is written as
 *   `{allOf: [requiredObject, optionalObject]}`, as `t.intersection` does.
 * - `enum` values are unique and sorted by UTF-16 code unit (`t.keyof` has
 *   no meaningful order).
 * - `anyOf`/`allOf` have at least two members (as `t.union`/`t.intersection`).
 * - `exact` is `true` or absent; `const` is a string, boolean or finite number
 *   (a null constant is `{type: "null"}`).
 *
 * @module
 */
import * as t from "io-ts";
import { compareStrings } from "../core/canonical.ts";
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";

/** Names of the schemas that carry nothing but a `type`. */
export type PrimitiveTypeName = "string" | "number" | "integer" | "boolean" | "null" | "unknown";

/** An object schema: from `t.type` (all required), `t.partial` (none required), `t.exact`/`t.strict`. */
export interface ObjectSchema {
  readonly type: "object";
  readonly properties: Readonly<Record<string, SchemaJson>>;
  readonly required: readonly string[];
  readonly exact?: true;
}

/** A portable event schema (see the module docs for the canonical-form rules). */
export type SchemaJson =
  | { readonly type: PrimitiveTypeName }
  | { readonly const: string | number | boolean }
  | { readonly enum: readonly string[] }
  | { readonly anyOf: readonly SchemaJson[] }
  | { readonly allOf: readonly SchemaJson[] }
  | ObjectSchema
  | { readonly type: "array"; readonly items: SchemaJson }
  | { readonly type: "record"; readonly values: SchemaJson };

/** One thing wrong with a schema read from a file. */
export interface SchemaProblem {
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

const PRIMITIVES: ReadonlySet<string> = new Set(["string", "number", "integer", "boolean", "null", "unknown"]);
const ALL_TYPES = [...PRIMITIVES, "object", "array", "record"].join(", ");

const isPlainObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u);

const describe = (u: unknown): string => (u === null ? "null" : Array.isArray(u) ? "an array" : typeof u === "object" ? "an object" : JSON.stringify(u));

/** Every problem with `u` as a {@link SchemaJson}; empty when it is valid. */
export const schemaProblems = (u: unknown, path = "schema"): SchemaProblem[] => {
  const out: SchemaProblem[] = [];
  check(u, path, out);
  return out;
};

const check = (u: unknown, path: string, out: SchemaProblem[]): void => {
  const add = (problem: string, fix: string, at = path) => out.push({ path: at, problem, fix });
  if (!isPlainObject(u)) {
    add(`expected a schema object, got ${describe(u)}`, `write a schema such as {"type":"string"}`);
    return;
  }
  const allowed = (...keys: string[]) => {
    for (const k of Object.keys(u)) {
      if (!keys.includes(k)) add(`unexpected key ${JSON.stringify(k)}`, `remove it; this schema kind allows only ${keys.join(", ")}`);
    }
  };
  const members = (key: "anyOf" | "allOf", combinator: string) => {
    allowed(key);
    const list = u[key];
    if (!Array.isArray(list) || list.length < 2) {
      add(`${key} must be an array of at least 2 schemas`, `list two or more schemas, as ${combinator} requires`);
      return;
    }
    list.forEach((m, i) => check(m, `${path}.${key}[${i}]`, out));
  };

  if ("type" in u) {
    const type = u.type;
    if (typeof type === "string" && PRIMITIVES.has(type)) return allowed("type");
    switch (type) {
      case "object":
        return checkObject(u, path, out, allowed);
      case "array":
        allowed("type", "items");
        return check(u.items, `${path}.items`, out);
      case "record":
        allowed("type", "values");
        return check(u.values, `${path}.values`, out);
      default:
        return void add(`unknown type ${describe(type)}`, `use one of ${ALL_TYPES}`);
    }
  }
  if ("const" in u) {
    allowed("const");
    const c = u.const;
    if (c === null) add("const null is not a literal", `write {"type":"null"} instead`);
    else if (!(typeof c === "string" || typeof c === "boolean" || (typeof c === "number" && Number.isFinite(c)))) {
      add(`const must be a string, boolean or finite number, got ${describe(c)}`, "use one of those literal kinds");
    }
    return;
  }
  if ("enum" in u) {
    allowed("enum");
    const values = u.enum;
    if (!Array.isArray(values) || !values.every((v) => typeof v === "string")) {
      return void add("enum must be an array of strings", `write {"enum":["a","b"]}; for other literals use anyOf of const`);
    }
    const sorted = [...new Set(values)].sort(compareStrings);
    if (sorted.length !== values.length || sorted.some((v, i) => v !== values[i])) {
      add("enum values must be unique and sorted", `write ${JSON.stringify(sorted)}`);
    }
    return;
  }
  if ("anyOf" in u) return members("anyOf", "t.union");
  if ("allOf" in u) return members("allOf", "t.intersection");
  add("no schema kind found", `give it one of the keys type, const, enum, anyOf, allOf`);
};

const checkObject = (u: Record<string, unknown>, path: string, out: SchemaProblem[], allowed: (...keys: string[]) => void): void => {
  allowed("type", "properties", "required", "exact");
  const add = (problem: string, fix: string) => out.push({ path, problem, fix });
  const props = u.properties;
  if (!isPlainObject(props)) {
    add(`properties must be an object, got ${describe(props)}`, `write "properties":{"name":{"type":"string"}}`);
    return;
  }
  const keys = Object.keys(props);
  for (const k of keys) check(props[k], `${path}.properties[${JSON.stringify(k)}]`, out);
  const req = u.required;
  const isAll = Array.isArray(req) && req.length === keys.length && req.every((r, i) => r === keys[i]);
  if (!(Array.isArray(req) && (req.length === 0 || isAll))) {
    add(
      "required must list every property in order (t.type) or be empty (t.partial)",
      `write "required":${JSON.stringify(keys)} or "required":[]; for a mix use {"allOf":[requiredObject, optionalObject]}`,
    );
  }
  if ("exact" in u && u.exact !== true) add(`exact must be true, got ${describe(u.exact)}`, "omit exact instead of setting it to false");
};

/**
 * An io-ts codec for a {@link SchemaJson} read from a file. Each failure's
 * `message` names the path, the problem and the fix.
 */
export const SchemaJsonCodec: t.Type<SchemaJson, SchemaJson, unknown> = new t.Type<SchemaJson, SchemaJson, unknown>(
  "SchemaJson",
  (u): u is SchemaJson => schemaProblems(u).length === 0,
  (u, c) => {
    const problems = schemaProblems(u);
    if (problems.length === 0) return t.success(u as SchemaJson);
    return t.failures(problems.map((p) => ({ value: u, context: c, message: `${p.path}: ${p.problem}. Fix: ${p.fix}` })));
  },
  t.identity,
);

/**
 * Checks `u` and returns it as a {@link SchemaJson}, or throws every problem
 * at once as {@link DefinitionErrors}. `path` says where the schema sits
 * (e.g. `sources.events.schema`).
 */
export const parseSchemaJson = (u: unknown, path = "schema"): SchemaJson => {
  const problems = schemaProblems(u, path);
  if (problems.length > 0) throw new DefinitionErrors(problems.map((p) => new DefinitionError(p.path, p.problem, p.fix)));
  return u as SchemaJson;
};
