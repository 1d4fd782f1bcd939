/**
 * Properties of the two functions parity rests on: canonical JSON (compare,
 * hash, write) and the value order (sort). Checked against a reference
 * written here independently, and against the laws a total order obeys.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, jsonEquals } from "../../src/core/canonical.ts";
import { compareValues } from "../../src/core/order.ts";

/**
 * Reference canonical form, written independently: keys sorted by code unit
 * (an object literal cannot hold them in that order — JavaScript lists
 * integer-like keys first — so the text is assembled), -0 as 0, strings and
 * other numbers as JSON.stringify writes them.
 */
const reference = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(reference).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return typeof v === "number" && Object.is(v, -0) ? "0" : JSON.stringify(v);
};

/** The same value with every object's keys in reverse insertion order. */
const reversedKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(reversedKeys)
    : v !== null && typeof v === "object"
      ? Object.fromEntries(
          Object.entries(v)
            .reverse()
            .map(([k, x]) => [k, reversedKeys(x)]),
        )
      : v;

const json = fc.jsonValue({ maxDepth: 4 });
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe("canonicalJson", () => {
  it("is JSON.stringify of the key-sorted value (the reference), with -0 as 0", () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 500 },
    );
  });
  it("does not depend on key insertion order", () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(reversedKeys(v))).toBe(canonicalJson(v));
      }),
      { numRuns: 500 },
    );
  });
  it("round-trips: parsing it gives a value with the same canonical form", () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(JSON.parse(canonicalJson(v)))).toBe(canonicalJson(v));
      }),
      { numRuns: 500 },
    );
  });
  it("is the reference for values already in canonical key order too (the native writer's case)", () => {
    fc.assert(
      fc.property(json, (v) => {
        const sorted: unknown = JSON.parse(reference(v)); // keys in code-unit order, except integer-like ones
        expect(canonicalJson(sorted)).toBe(reference(sorted));
        expect(canonicalJson([sorted, { a: sorted, b: [sorted] }])).toBe(reference([sorted, { a: sorted, b: [sorted] }]));
      }),
      { numRuns: 500 },
    );
  });
  it("writes what JSON.stringify would not: undefined, dates, toJSON, bigint, deep sorted values", () => {
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson([undefined, () => 1])).toBe("[null,null]");
    expect(canonicalJson({ a: new Date(0) })).toBe('{"a":{}}');
    expect(canonicalJson({ a: 1, toJSON: () => "x" })).toBe('{"a":1}');
    expect(canonicalJson({ a: 10n })).toBe('{"a":10}');
    expect(canonicalJson({ a: 1, b: -0, c: [-0, NaN] })).toBe('{"a":1,"b":0,"c":[0,null]}');
    let deep: unknown = { a: 1 };
    for (let i = 0; i < 100; i++) deep = { a: deep };
    expect(canonicalJson(deep)).toBe(JSON.stringify(deep));
  });
  it("writes -0 as 0 and non-finite numbers as null, as the contract says (§1)", () => {
    expect(canonicalJson({ b: -0, a: [NaN, Infinity, 1.5] })).toBe('{"a":[null,null,1.5],"b":0}');
  });
});

describe("compareValues", () => {
  it("is reflexive and antisymmetric", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(compareValues(a, a)).toBe(0);
        expect(sign(compareValues(a, b)) + sign(compareValues(b, a))).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
  it("is transitive", () => {
    fc.assert(
      fc.property(json, json, json, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(compareValues);
        expect(compareValues(x, y)).toBeLessThanOrEqual(0);
        expect(compareValues(y, z)).toBeLessThanOrEqual(0);
        expect(compareValues(x, z)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
  it("calls two values equal exactly when their canonical JSON is equal", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(compareValues(a, b) === 0).toBe(jsonEquals(a, b));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(json, (a) => {
        expect(compareValues(a, reversedKeys(a))).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
  it("orders kinds null < booleans < numbers < strings < arrays < objects, numbers numerically, strings by code unit", () => {
    const sorted = [{ a: 1 }, [1], "b", "B", 10, 9, -1, true, false, null].sort(compareValues);
    expect(sorted).toEqual([null, false, true, -1, 9, 10, "B", "b", [1], { a: 1 }]);
    // Code unit, not locale: "Z" (0x5A) < "a" (0x61) < "é" (0xE9); a surrogate pair sorts above U+FFFF-range BMP text below 0xD800.
    expect(["é", "a", "Z"].sort(compareValues)).toEqual(["Z", "a", "é"]);
    // Arrays element by element, a prefix first.
    expect([[1, 2], [1], [0, 9]].sort(compareValues)).toEqual([[0, 9], [1], [1, 2]]);
  });
});
