import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toPlainJson } from "../../src/combine/json.ts";
import { canonicalJson } from "../../src/core/canonical.ts";
import { isPlainJson } from "./helpers.ts";

describe("toPlainJson", () => {
  it("normalizes like canonical JSON", () => {
    expect(toPlainJson(undefined)).toBe(null);
    expect(toPlainJson(NaN)).toBe(null);
    expect(Object.is(toPlainJson(-0), 0)).toBe(true);
    expect(toPlainJson([undefined, () => 1, Infinity])).toEqual([null, null, null]);
    // eslint-disable-next-line no-sparse-arrays
    expect(toPlainJson([1, , 3])).toEqual([1, null, 3]);
    expect(toPlainJson({ u: undefined, f: () => 1, n: 1 })).toEqual({ n: 1 });
    expect(toPlainJson(10n)).toBe(10);
  });

  it("keeps a __proto__ key as data", () => {
    const v = JSON.parse('{"__proto__":{"x":1}}');
    const out = toPlainJson(v) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(canonicalJson(out)).toBe('{"__proto__":{"x":1}}');
  });

  // Not byte-equal to canonicalJson(v): JS objects list integer-like keys first.
  it("equals JSON.parse(canonicalJson(v)), key order included", () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withSparseArray: true }), (v) => {
        const out = toPlainJson(v);
        expect(isPlainJson(out)).toBe(true);
        expect(JSON.stringify(out)).toBe(JSON.stringify(JSON.parse(canonicalJson(v))));
        expect(canonicalJson(out)).toBe(canonicalJson(v));
      }),
      { numRuns: 500 },
    );
  });
});
