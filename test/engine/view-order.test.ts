/**
 * The final view's order in bytes (src/engine/view-order.ts) is its order in
 * memory: `memcmp` of two row keys agrees with `compareViewRows` on generated
 * rows, and on the strings where UTF-8 byte order and UTF-16 code unit order
 * part — astral characters against U+E000–U+FFFF — and lone surrogates, NULs,
 * prefixes, -0, NaN, ±Infinity and nested arrays.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { compareViewRows, viewOrderKey } from "../../src/engine/view-order.ts";
import type { ViewRowOrder } from "../../src/engine/view-order.ts";

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
const rowOf = (pkv: readonly unknown[] | undefined, row: unknown): ViewRowOrder => ({ pkv, json: canonicalJson(row) });
const agree = (a: ViewRowOrder, b: ViewRowOrder): void => {
  expect([a, b, sign(Buffer.compare(viewOrderKey(a), viewOrderKey(b)))]).toEqual([a, b, sign(compareViewRows(a, b))]);
};

// Strings from the code units where the orders part: ASCII, NUL, a lone or paired surrogate, U+E000–U+FFFF.
const UNITS = ["a", "b", "\u0000", "\u007f", "\u0080", "\u07ff", "\u0800", "\ud83d", "\ude00", "\ud83d\ude00", "\ue000", "\uffff", "\ufffd", "é"];
const oddString = fc.array(fc.constantFrom(...UNITS), { maxLength: 5 }).map((xs) => xs.join(""));
const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(0, -0, 1, -1, 0.5, -2.5, 1e300, -1e300, Infinity, -Infinity, Number.NaN, 5e-324),
  fc.integer(),
  fc.double(),
  oddString,
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("v"), { maxLength: 3 }), fc.dictionary(oddString, tie("v"), { maxKeys: 2 })),
})).v;
const viewRow = fc.record({ pkv: fc.option(fc.array(value, { maxLength: 3 }), { nil: undefined }), row: value }).map((r) => rowOf(r.pkv, r.row));

describe("view order keys", () => {
  it("sort as compareViewRows sorts, on generated rows", () => {
    fc.assert(fc.property(viewRow, viewRow, agree), { numRuns: 3000 });
  });

  it("put an astral character before U+E000–U+FFFF (code unit order, not UTF-8's)", () => {
    const astral = rowOf(["\u{1F600}"], { x: 1 });
    const high = rowOf(["\ue000"], { x: 1 });
    expect(Buffer.compare(Buffer.from("\u{1F600}"), Buffer.from("\ue000"))).toBe(1); // UTF-8 disagrees
    expect(compareViewRows(astral, high)).toBeLessThan(0);
    agree(astral, high);
    agree(rowOf(undefined, "\u{10FFFF}"), rowOf(undefined, "\uffff"));
    agree(rowOf([1], { s: "\ud800" }), rowOf([1], { s: "\ud7ff" }));
  });

  it("sort a string before every longer string it begins, and keyed rows before unkeyed ones", () => {
    agree(rowOf(["ab"], 1), rowOf(["ab\u0000"], 1));
    agree(rowOf(["ab"], 1), rowOf(["ab", null], 1));
    agree(rowOf([["a"]], 1), rowOf([["a"], 0], 1));
    agree(rowOf([], 1), rowOf(undefined, 0));
    agree(rowOf([-0], { a: 1 }), rowOf([0], { a: 1 }));
    expect(Buffer.compare(viewOrderKey(rowOf([-0], 1)), viewOrderKey(rowOf([0], 1)))).toBe(0);
  });

  it("never begins another key, so a tiebreak appended keeps the order", () => {
    fc.assert(
      fc.property(viewRow, viewRow, (a, b) => {
        const ka = viewOrderKey(a);
        const kb = viewOrderKey(b);
        if (ka.length < kb.length) expect(kb.subarray(0, ka.length).equals(ka) && !ka.equals(kb)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
