/**
 * Turning CSV's strings into the types an event schema asks for, before
 * decoding. Only what the schema accepts is converted; anything else stays a
 * string, so the decoder reports it (`expected number, got "abc"`).
 * A cell cannot say whether `1` was a number or a string: a field that
 * accepts both gets the number.
 *
 * @module
 */
import { fromSchema } from "../schema/from-schema.ts";
import type { SchemaJson } from "../schema/json-schema.ts";

/** What the schema says about one column. */
interface Rule {
  readonly accepts: (v: unknown) => boolean;
  /** The field may be absent (from `t.partial`, or a record's values). */
  readonly optional: boolean;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const acceptor = (schema: SchemaJson): ((v: unknown) => boolean) => {
  const codec = fromSchema(schema);
  return (v) => codec.is(v);
};

/** What `schema` says about property `key`, or `undefined` when it says nothing. */
const ruleFor = (schema: SchemaJson, key: string): Rule | undefined => {
  if ("allOf" in schema || "anyOf" in schema) {
    const all = "allOf" in schema;
    const rules = (all ? schema.allOf : schema.anyOf).map((m) => ruleFor(m, key)).filter((r) => r !== undefined);
    if (rules.length === 0) return undefined;
    return all
      ? { accepts: (v) => rules.every((r) => r.accepts(v)), optional: rules.every((r) => r.optional) }
      : { accepts: (v) => rules.some((r) => r.accepts(v)), optional: rules.some((r) => r.optional) };
  }
  if (!("type" in schema)) return undefined;
  if (schema.type === "record") return { accepts: acceptor(schema.values), optional: true };
  if (schema.type !== "object" || !Object.hasOwn(schema.properties, key)) return undefined;
  return { accepts: acceptor(schema.properties[key]!), optional: !schema.required.includes(key) };
};

/**
 * The readings of a CSV string, typed first and the string itself last, so
 * `1` in a `number | string` field is the number 1 (as the writer wrote it).
 */
function* readings(s: string): Generator<unknown> {
  // 1e400 is no number JSON can carry: it stays a string, and decoding says what was expected.
  if (NUMBER.test(s) && Number.isFinite(Number(s))) yield Number(s);
  if (s === "true" || s === "false") yield s === "true";
  const c = s.charCodeAt(0);
  if (c === 123 /* { */ || c === 91 /* [ */) {
    try {
      yield JSON.parse(s);
    } catch {
      // not JSON: fall through to the string
    }
  }
  yield s;
}

const coerceValue = (s: string | null, rule: Rule): { value: unknown } | undefined => {
  if (s === null) {
    // An empty cell is how an absent field is written; drop it where the field is optional and null is not allowed.
    return rule.accepts(null) || !rule.optional ? { value: null } : undefined;
  }
  for (const v of readings(s)) if (rule.accepts(v)) return { value: v };
  return { value: s };
};

type Coercer = (row: Readonly<Record<string, string | null>>) => Record<string, unknown>;

const compiled = new WeakMap<SchemaJson, Coercer>();

const compile = (schema: SchemaJson): Coercer => {
  const rules = new Map<string, Rule | undefined>();
  const ruleOf = (key: string) => {
    if (!rules.has(key)) rules.set(key, ruleFor(schema, key));
    return rules.get(key);
  };
  return (row) => {
    const out: [string, unknown][] = [];
    for (const key of Object.keys(row)) {
      const s = row[key]!;
      const rule = ruleOf(key);
      if (rule === undefined) {
        out.push([key, s]);
        continue;
      }
      const c = coerceValue(s, rule);
      if (c !== undefined) out.push([key, c.value]);
    }
    return Object.fromEntries(out);
  };
};

/**
 * A CSV row (strings, `null` for empty cells) with each column converted to
 * what `schema` accepts for that field: the first of a number (JSON number
 * syntax), `true`/`false`, parsed JSON (text starting with `{` or `[`), or
 * the string itself, that the field's schema accepts; when none is, the
 * string stays (decoding then says what was expected). Nothing is converted
 * where the schema says nothing (undeclared columns); `unknown` fields get
 * the typed reading.
 *
 * An empty cell (`null`) is dropped when its field is optional and does not
 * accept null, since that is how CSV writes an absent field.
 *
 * Without a schema the row is returned as a copy. Compiled per schema
 * object, so call it with the same schema object for every row.
 */
export const coerceCsvRow = (row: Readonly<Record<string, string | null>>, schema?: SchemaJson): Record<string, unknown> => {
  if (schema === undefined) return Object.fromEntries(Object.entries(row));
  let coerce = compiled.get(schema);
  if (coerce === undefined) {
    coerce = compile(schema);
    compiled.set(schema, coerce);
  }
  return coerce(row);
};

const absentDroppers = new WeakMap<SchemaJson, (row: Record<string, unknown>) => Record<string, unknown>>();

/**
 * Columnar formats (Arrow, Parquet) cannot tell a missing field from a null:
 * drop `null` where the schema's field is optional and does not accept null,
 * as {@link coerceCsvRow} does for empty CSV cells, so an optional field
 * absent in the source reads as absent.
 */
export const dropAbsentNulls = (schema: SchemaJson): ((row: Record<string, unknown>) => Record<string, unknown>) => {
  let f = absentDroppers.get(schema);
  if (f) return f;
  const rules = new Map<string, Rule | undefined>();
  f = (row) => {
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(row)) {
      if (row[key] !== null) continue;
      if (!rules.has(key)) rules.set(key, ruleFor(schema, key));
      const rule = rules.get(key);
      if (rule?.optional && !rule.accepts(null)) {
        out ??= { ...row };
        delete out[key];
      }
    }
    return out ?? row;
  };
  absentDroppers.set(schema, f);
  return f;
};
