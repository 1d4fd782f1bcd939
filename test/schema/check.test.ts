import fc from "fast-check";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { compileCheck } from "../../src/schema/check.ts";
import { fromSchema } from "../../src/schema/from-schema.ts";
import { toSchema } from "../../src/schema/to-schema.ts";
import { codecArb, schemaArb, valueArb } from "./arbitraries.ts";

describe("compileCheck", () => {
  it("answers as the rebuilt codec's is, for random schemas and near-miss values", () => {
    fc.assert(
      fc.property(
        schemaArb.chain((s) => fc.tuple(fc.constant(s), fc.array(valueArb(s), { minLength: 1, maxLength: 8 }))),
        ([schema, values]) => {
          const check = compileCheck(schema);
          const codec = fromSchema(schema);
          for (const v of values) expect(check(v), JSON.stringify(v)).toBe(codec.is(v));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("answers as the user's own codec, for every combinator toSchema accepts", () => {
    fc.assert(
      fc.property(
        codecArb.chain((c) => fc.tuple(fc.constant(c), fc.array(valueArb(toSchema(c)), { minLength: 1, maxLength: 8 }))),
        ([codec, values]) => {
          const check = compileCheck(toSchema(codec));
          for (const v of values) expect(check(v), `${codec.name}: ${JSON.stringify(v)}`).toBe(codec.is(v));
        },
      ),
      { numRuns: 400 },
    );
  });

  // The places where io-ts' rules are not what one would guess.
  const cases: [string, t.Mixed, unknown, boolean][] = [
    ["a missing t.unknown field of t.type fails", t.type({ a: t.unknown }), {}, false],
    ["an own undefined t.unknown field of t.type passes", t.type({ a: t.unknown }), { a: undefined }, true],
    ["a t.partial field may be undefined", t.partial({ a: t.string }), { a: undefined }, true],
    ["a t.type field may not", t.type({ a: t.string }), { a: undefined }, false],
    ["fields are read through the prototype", t.type({ constructor: t.string }), {}, false],
    ["t.exact checks like its inner type", t.exact(t.type({ a: t.number })), { a: 1, b: 2 }, true],
    ["an array is not a record", t.UnknownRecord, [], false],
    ["a Date is a record", t.UnknownRecord, new Date(0), true],
    ["t.Int wants an integer", t.type({ n: t.Int }), { n: 1.5 }, false],
    ["−0 is the literal 0", t.literal(0), -0, true],
    ["t.keyof takes own keys only", t.keyof({ a: null }), "toString", false],
    ["NaN is a number to io-ts", t.number, Number.NaN, true],
    ["a record's values are all checked", t.record(t.string, t.number), { a: 1, b: "x" }, false],
    ["a union of objects", t.union([t.type({ k: t.literal("a") }), t.type({ k: t.literal("b"), n: t.number })]), { k: "b", n: 2 }, true],
  ];
  it.each(cases)("%s", (_what, codec, value, want) => {
    expect(codec.is(value)).toBe(want);
    expect(compileCheck(toSchema(codec))(value)).toBe(want);
  });
});
