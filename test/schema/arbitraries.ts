/** fast-check arbitraries for schema tests: schemas, io-ts codecs, and values near a schema. */
import fc from "fast-check";
import * as t from "io-ts";
import { compareStrings } from "../../src/core/canonical.ts";
import type { SchemaJson } from "../../src/schema/index.ts";

/** Property names, including ones JavaScript treats specially. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.constantFrom("__proto__", "constructor", "1", "10", "a b", "ts", "userId"),
);

const constArb = fc.oneof(fc.string({ maxLength: 5 }), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** Builds an object from entries so that "__proto__" stays an own key. */
const objectFrom = <V>(entries: [string, V][]): Record<string, V> => Object.fromEntries(entries);

const uniqueKeys = fc.uniqueArray(keyArb, { maxLength: 4 });

/** Random valid SchemaJson values in canonical form. */
export const schemaArb: fc.Arbitrary<SchemaJson> = fc.letrec<{ schema: SchemaJson; composite: SchemaJson }>((tie) => ({
  schema: fc.oneof(
    { maxDepth: 3, depthIdentifier: "schema" },
    fc.constantFrom<SchemaJson>({ type: "string" }, { type: "number" }, { type: "integer" }, { type: "boolean" }, { type: "null" }, { type: "unknown" }),
    constArb.map((c): SchemaJson => ({ const: c })),
    fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 4 }).map((v): SchemaJson => ({ enum: v.sort(compareStrings) })),
    tie("composite"),
  ),
  composite: fc.oneof(
    fc.array(tie("schema"), { minLength: 2, maxLength: 3 }).map((m): SchemaJson => ({ anyOf: m })),
    fc.array(tie("schema"), { minLength: 2, maxLength: 3 }).map((m): SchemaJson => ({ allOf: m })),
    tie("schema").map((items): SchemaJson => ({ type: "array", items })),
    tie("schema").map((values): SchemaJson => ({ type: "record", values })),
    fc
      .tuple(
        uniqueKeys.chain((keys) => fc.tuple(...keys.map((k) => tie("schema").map((s): [string, SchemaJson] => [k, s])))),
        fc.boolean(),
        fc.boolean(),
      )
      .map(([entries, required, exact]): SchemaJson => {
        const properties = objectFrom(entries);
        const base = { type: "object" as const, properties, required: required ? Object.keys(properties) : [] };
        return exact ? { ...base, exact: true } : base;
      }),
  ),
})).schema;

const propsArb = (codec: fc.Arbitrary<t.Mixed>): fc.Arbitrary<t.Props> =>
  uniqueKeys.chain((keys) => fc.tuple(...keys.map((k) => codec.map((c): [string, t.Mixed] => [k, c])))).map(objectFrom);

type Members = [t.Mixed, t.Mixed, ...t.Mixed[]];

/** io-ts's t.union throws for literal props named like Object.prototype members (e.g. "constructor"). */
const unionBuilds = (m: t.Mixed[]): boolean => {
  try {
    t.union(m as Members);
    return true;
  } catch {
    return false;
  }
};

/** Random io-ts codecs built with every supported combinator (including ones fromSchema never emits). */
export const codecArb: fc.Arbitrary<t.Mixed> = fc.letrec<{ codec: t.Mixed; composite: t.Mixed }>((tie) => ({
  codec: fc.oneof(
    { maxDepth: 3, depthIdentifier: "codec" },
    fc.constantFrom<t.Mixed>(t.string, t.number, t.Int, t.boolean, t.null, t.unknown, t.UnknownRecord, t.UnknownArray),
    constArb.map((c) => t.literal(c) as t.Mixed),
    fc.uniqueArray(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 4 }).map((k) => t.keyof(objectFrom(k.map((x) => [x, null]))) as t.Mixed),
    tie("composite"),
  ),
  composite: fc.oneof(
    fc
      .array(tie("codec"), { minLength: 2, maxLength: 3 })
      .filter(unionBuilds)
      .map((m) => t.union(m as Members) as t.Mixed),
    fc.array(tie("codec"), { minLength: 2, maxLength: 3 }).map((m) => t.intersection(m as unknown as [t.Mixed, t.Mixed]) as t.Mixed),
    propsArb(tie("codec")).map((p) => t.type(p) as t.Mixed),
    propsArb(tie("codec")).map((p) => t.partial(p) as t.Mixed),
    propsArb(tie("codec")).map((p) => t.exact(t.type(p)) as t.Mixed),
    propsArb(tie("codec")).map((p) => t.exact(t.partial(p)) as t.Mixed),
    propsArb(tie("codec")).map((p) => t.strict(p) as t.Mixed),
    tie("codec").map((c) => t.array(c) as t.Mixed),
    tie("codec").map((c) => t.readonlyArray(c) as t.Mixed),
    tie("codec").map((c) => t.readonly(c) as t.Mixed),
    tie("codec").map((c) => t.record(t.string, c) as t.Mixed),
  ),
})).codec;

const anyJson = fc.jsonValue({ maxDepth: 2 });

/** Values that mostly fit `schema`, with random near misses at every level. */
export const valueArb = (schema: SchemaJson): fc.Arbitrary<unknown> => fc.oneof({ weight: 5, arbitrary: fitting(schema) }, { weight: 1, arbitrary: anyJson });

const fitting = (s: SchemaJson): fc.Arbitrary<unknown> => {
  if ("const" in s) return fc.constant(s.const);
  if ("enum" in s) return s.enum.length > 0 ? fc.constantFrom(...s.enum) : fc.string();
  if ("anyOf" in s) return fc.oneof(...s.anyOf.map(valueArb));
  if ("allOf" in s) {
    return fc
      .tuple(...s.allOf.map(valueArb))
      .map((vs) =>
        vs.every((v) => typeof v === "object" && v !== null && !Array.isArray(v)) ? objectFrom(vs.flatMap((v) => Object.entries(v as object))) : vs[0],
      );
  }
  switch (s.type) {
    case "string":
      return fc.string({ maxLength: 4 });
    case "number":
      return fc.oneof(fc.integer(), fc.double({ noNaN: true }));
    case "integer":
      return fc.oneof(fc.integer(), fc.constant(1.5));
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "unknown":
      return anyJson;
    case "array":
      return fc.array(valueArb(s.items), { maxLength: 3 });
    case "record":
      return fc.array(fc.tuple(keyArb, valueArb(s.values)), { maxLength: 3 }).map(objectFrom);
    case "object": {
      const keys = Object.keys(s.properties);
      // Each property: present (usually), absent, or joined by an undeclared extra key.
      return fc
        .tuple(
          fc.tuple(...keys.map((k) => fc.option(valueArb(s.properties[k]!), { freq: 6, nil: undefined }))),
          fc.option(fc.tuple(keyArb, anyJson), { freq: 3, nil: undefined }),
        )
        .map(([vals, extra]) => {
          const entries: [string, unknown][] = [];
          keys.forEach((k, i) => vals[i] !== undefined && entries.push([k, vals[i]]));
          if (extra) entries.push(extra);
          return objectFrom(entries);
        });
    }
  }
};
