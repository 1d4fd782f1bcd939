import { describe, expect, it } from "vitest";
import * as t from "io-ts";
import { DefinitionError } from "../../src/core/errors.ts";
import { fromSchema, toSchema } from "../../src/schema/index.ts";
import type { ObjectSchema, SchemaJson } from "../../src/schema/index.ts";

describe("toSchema", () => {
  it("writes an intersection of t.type and t.partial with a t.keyof", () => {
    const Event = t.intersection([
      t.type({ userId: t.string, ts: t.number, kind: t.keyof({ view: null, click: null }) }),
      t.partial({ tags: t.array(t.string), count: t.Int }),
    ]);
    expect(toSchema(Event)).toEqual({
      allOf: [
        {
          type: "object",
          properties: { userId: { type: "string" }, ts: { type: "number" }, kind: { enum: ["click", "view"] } },
          required: ["userId", "ts", "kind"],
        },
        {
          type: "object",
          properties: { tags: { type: "array", items: { type: "string" } }, count: { type: "integer" } },
          required: [],
        },
      ],
    });
  });

  it("keeps the codec's key order in properties and required", () => {
    const s = toSchema(t.type({ zeta: t.string, alpha: t.number, mid: t.null })) as ObjectSchema;
    expect(Object.keys(s.properties)).toEqual(["zeta", "alpha", "mid"]);
    expect(s.required).toEqual(["zeta", "alpha", "mid"]);
  });

  it("writes every supported combinator", () => {
    const cases: [t.Mixed, SchemaJson][] = [
      [t.string, { type: "string" }],
      [t.number, { type: "number" }],
      [t.Int, { type: "integer" }],
      [t.boolean, { type: "boolean" }],
      [t.null, { type: "null" }],
      [t.unknown, { type: "unknown" }],
      [t.literal("a"), { const: "a" }],
      [t.literal(3), { const: 3 }],
      [t.literal(false), { const: false }],
      [t.union([t.string, t.null]), { anyOf: [{ type: "string" }, { type: "null" }] }],
      [t.array(t.number), { type: "array", items: { type: "number" } }],
      [t.readonlyArray(t.number), { type: "array", items: { type: "number" } }],
      [t.UnknownArray, { type: "array", items: { type: "unknown" } }],
      [t.record(t.string, t.boolean), { type: "record", values: { type: "boolean" } }],
      [t.UnknownRecord, { type: "record", values: { type: "unknown" } }],
      [t.readonly(t.type({ a: t.string })), { type: "object", properties: { a: { type: "string" } }, required: ["a"] }],
      [t.exact(t.type({ a: t.string })), { type: "object", properties: { a: { type: "string" } }, required: ["a"], exact: true }],
      [t.strict({ a: t.string }), { type: "object", properties: { a: { type: "string" } }, required: ["a"], exact: true }],
      [t.exact(t.partial({ a: t.string })), { type: "object", properties: { a: { type: "string" } }, required: [], exact: true }],
    ];
    for (const [codec, schema] of cases) {
      expect(toSchema(codec), codec.name).toEqual(schema);
      expect(toSchema(fromSchema(schema)), codec.name).toEqual(schema);
    }
  });

  it("keeps a __proto__ property as an own key", () => {
    const codec = t.type(Object.fromEntries([["__proto__", t.string]]));
    const s = toSchema(codec) as ObjectSchema;
    expect(Object.keys(s.properties)).toEqual(["__proto__"]);
    expect(toSchema(fromSchema(s))).toEqual(s);
    expect(fromSchema(s).is(JSON.parse('{"__proto__":"x"}'))).toBe(true);
  });

  it("rebuilds a union whose members have a literal property named constructor", () => {
    // io-ts's own t.union throws on such members; fromSchema falls back to a plain union.
    const member = (v: string): SchemaJson => ({ type: "object", properties: { constructor: { const: v } }, required: ["constructor"] });
    const s: SchemaJson = { anyOf: [member("a"), member("b")] };
    const codec = fromSchema(s);
    expect(toSchema(codec)).toEqual(s);
    expect(codec.is(JSON.parse('{"constructor":"b"}'))).toBe(true);
    expect(codec.is({})).toBe(false);
  });

  /** Expects toSchema to throw a DefinitionError at the field, naming the (innermost) bad codec. */
  const rejects = (codec: t.Mixed, ...parts: string[]) => {
    let error: unknown;
    try {
      toSchema(t.type({ field: codec }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    const message = (error as Error).message;
    expect(message).toContain(`schema.properties["field"]`);
    for (const part of parts) expect(message).toContain(part);
  };

  it("rejects custom codecs, naming them and the supported combinators", () => {
    const DateFromString = new t.Type<Date, string, unknown>(
      "DateFromString",
      (u): u is Date => u instanceof Date,
      (u, c) => (typeof u === "string" ? t.success(new Date(u)) : t.failure(u, c)),
      (d) => d.toISOString(),
    );
    rejects(DateFromString, '"DateFromString"', "custom codec without a _tag", "t.string, t.number, t.Int");
  });

  it("rejects functions, recursion, undefined and refinements with a fix", () => {
    rejects(t.Function, '"Function"', "FunctionType");
    type Tree = { children: Tree[] };
    const Tree: t.Type<Tree> = t.recursion("Tree", () => t.type({ children: t.array(Tree) }));
    rejects(Tree, '"Tree"', "recursive", "t.unknown");
    rejects(t.union([t.string, t.undefined]), '.anyOf[1]: codec "undefined"', "t.partial");
    rejects(
      t.brand(t.number, (n): n is t.Branded<number, { readonly Pos: unique symbol }> => n > 0, "Pos"),
      '"Pos"',
      "refinement",
    );
    rejects(t.record(t.keyof({ a: null }), t.string), "keys other than t.string");
  });
});
