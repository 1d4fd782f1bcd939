import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fsum, fsumAdd, fsumValue } from "../../src/combine/fsum.ts";
import { exactSum, fromScaled, hexFloat, toScaled } from "./exact-sum.ts";

describe("fsum: known sums", () => {
  it.each<[string, number[], number]>([
    ["nothing", [], 0],
    ["cancellation hides the 1 from naive summation", [1e16, 1, -1e16], 1],
    ["0.1 ten times", Array(10).fill(0.1), 1],
    ["0.1 + 0.2 + 0.3", [0.1, 0.2, 0.3], 0.6],
    ["huge cancellation", [1, 1e100, 1, -1e100], 2],
    ["2^53 + 1 + 1 (naive loses both)", [2 ** 53, 1, 1], 2 ** 53 + 2],
    ["max and its negation", [Number.MAX_VALUE, -Number.MAX_VALUE], 0],
    ["subnormals", [5e-324, 5e-324], 1e-323],
    // CPython test_math.testFsum cases: half-even rounding across several partials.
    ["cpython 1", [2 ** 53, -0.5, -(2 ** -54)], 2 ** 53 - 1],
    ["cpython 2", [2 ** 53, 1, 2 ** -100], 2 ** 53 + 2],
    ["cpython 3", [2 ** 53 + 10, 1, 2 ** -100], 2 ** 53 + 12],
    ["cpython 4", [2 ** 53 - 4, 0.5, 2 ** -54], 2 ** 53 - 3],
    ["cpython 5", [1e16, 1, 1e-16], 10000000000000002],
    ["cpython 6", [1e-16, 1, 1e16], 10000000000000002],
  ])("%s", (_, xs, expected) => {
    expect(fsum(xs)).toBe(expected);
  });

  it("harmonic sums (CPython's expected values)", () => {
    const h = Array.from({ length: 1000 }, (_, i) => 1 / (i + 1));
    expect(fsum(h)).toBe(hexFloat("0x1.df11f45f4e61ap+2"));
    const alt = Array.from({ length: 1000 }, (_, i) => (-1) ** (i + 1) / (i + 1));
    expect(fsum(alt)).toBe(hexFloat("-0x1.62a2af1bd3624p-1"));
  });

  it("never returns -0", () => {
    expect(Object.is(fsum([-0]), 0)).toBe(true);
    expect(Object.is(fsum([-0, -0]), 0)).toBe(true);
    expect(Object.is(fsum([-1, 1]), 0)).toBe(true);
  });

  it("keeps partials plain: non-zero finite numbers", () => {
    const p = fsumAdd(fsumAdd(fsumAdd([], 1e16), 1), -1e16);
    expect(p).toEqual([1]);
    expect(fsumAdd([], 0)).toEqual([]);
  });

  it("refuses non-finite inputs and intermediate overflow", () => {
    expect(() => fsumAdd([], NaN)).toThrow(/filter out NaN/);
    expect(() => fsumAdd([], Infinity)).toThrow(RangeError);
    expect(() => fsum([Number.MAX_VALUE, Number.MAX_VALUE])).toThrow(/MAX_VALUE/);
  });

  it("the BigInt reference itself round-trips doubles", () => {
    for (const x of [0, 1, -1, 0.1, 5e-324, -2.2250738585072014e-308, Number.MAX_VALUE, 2 ** 53 + 2]) {
      expect(fromScaled(toScaled(x))).toBe(x);
    }
    expect(exactSum([1e16, 1, -1e16])).toBe(1);
  });
});

describe("fsum: property", () => {
  const double = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
  // Values of wildly different scales, plus negated copies so large terms cancel.
  const values = fc
    .tuple(
      fc.array(fc.oneof(double, fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(0.1, 1e16, 2 ** 53, 5e-324)), { maxLength: 40 }),
      fc.array(fc.nat()),
    )
    .map(([xs, picks]) => [...xs, ...(xs.length === 0 ? [] : picks.map((i) => -xs[i % xs.length]!))]);

  it("equals the exactly rounded sum", () => {
    fc.assert(
      fc.property(values, (xs) => {
        expect(fsum(xs)).toBe(exactSum(xs));
      }),
      { numRuns: 3000 },
    );
  });

  it("equals the exactly rounded sum after merging partials built separately", () => {
    fc.assert(
      fc.property(values, values, (xs, ys) => {
        const a = xs.reduce(fsumAdd, [] as number[]);
        const b = ys.reduce(fsumAdd, [] as number[]);
        for (const p of b) fsumAdd(a, p);
        expect(fsumValue(a)).toBe(exactSum([...xs, ...ys]));
      }),
      { numRuns: 1000 },
    );
  });
});
