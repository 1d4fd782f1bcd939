import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinCombiner } from "../../src/combine/builtins.ts";
import type { BuiltinAgg, Combiner } from "../../src/combine/types.ts";
import { canonicalJson } from "../../src/core/canonical.ts";
import { accumulate, isPlainJson, viaChangelog } from "./helpers.ts";
import type { Timed } from "./helpers.ts";

const AGGS: BuiltinAgg[] = [
  { fn: "count" },
  { fn: "sum" },
  { fn: "mean" },
  { fn: "min" },
  { fn: "max" },
  { fn: "first" },
  { fn: "last" },
  { fn: "topK", k: 1 },
  { fn: "topK", k: 3 },
  { fn: "collect" },
  { fn: "countDistinct" },
];

// Mixed inputs with many duplicates and ties; numbers bounded so sums cannot overflow.
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, 0, -0, 1, "1", true, NaN, Infinity, 0.1, 1e16, -1e16),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -1e300, max: 1e300, noNaN: true }),
  fc.string({ maxLength: 2 }),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(null)), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom("a", "b", "1"), fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(-0)), { maxKeys: 2 }),
);
const timed: fc.Arbitrary<Timed> = fc.tuple(value, fc.integer({ min: -3, max: 3 }));
const inputs = fc.array(timed, { maxLength: 30 });

/** Inputs with a permutation of them, and a split of them into up to four groups merged in a random order. */
const scenario = inputs.chain((xs) =>
  fc.record({
    xs: fc.constant(xs),
    shuffled: fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }),
    groups: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: xs.length, maxLength: xs.length }),
    mergeOrder: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
    tree: fc.boolean(),
    roundTrip: fc.boolean(),
  }),
);

const result = (c: Combiner, acc: unknown): string => canonicalJson(c.extract(acc));

describe.each(AGGS)("$fn$k is order-independent (property)", (agg) => {
  const c = builtinCombiner(agg);

  it("same result for any permutation and any split merged in any order or grouping", () => {
    fc.assert(
      fc.property(scenario, ({ xs, shuffled, groups, mergeOrder, tree, roundTrip }) => {
        const expected = result(c, accumulate(c, xs));
        expect(result(c, accumulate(c, shuffled))).toBe(expected);

        const parts = [0, 1, 2, 3].map((g) =>
          accumulate(
            c,
            xs.filter((_, i) => groups[i] === g),
          ),
        );
        const ordered = mergeOrder.map((g) => (roundTrip ? viaChangelog(parts[g]) : parts[g]));
        // Left fold ((a·b)·c)·d, or the balanced (a·b)·(c·d).
        const merged = tree
          ? c.merge(c.merge(ordered[0], ordered[1]), c.merge(ordered[2], ordered[3]))
          : ordered.slice(1).reduce((a, b) => c.merge(a, b), ordered[0]);
        expect(result(c, merged)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("accumulators stay plain JSON and survive a changelog round trip mid-stream", () => {
    fc.assert(
      fc.property(inputs, fc.nat(), (xs, cut) => {
        const at = xs.length === 0 ? 0 : cut % (xs.length + 1);
        const head = accumulate(c, xs.slice(0, at));
        expect(isPlainJson(head)).toBe(true);
        const restored = xs.slice(at).reduce((acc, [v, ts]) => c.add(acc, v, ts), viaChangelog(head));
        const straight = accumulate(c, xs);
        expect(isPlainJson(straight)).toBe(true);
        expect(result(c, restored)).toBe(result(c, straight));
      }),
      { numRuns: 200 },
    );
  });

  it("merge leaves its second argument intact, and extract leaves its accumulator intact", () => {
    fc.assert(
      fc.property(inputs, inputs, (xs, ys) => {
        const b = accumulate(c, ys);
        const before = JSON.stringify(b);
        const merged = c.merge(accumulate(c, xs), b);
        expect(JSON.stringify(b)).toBe(before);
        const snapshot = JSON.stringify(merged);
        c.extract(merged);
        expect(JSON.stringify(merged)).toBe(snapshot);
      }),
      { numRuns: 100 },
    );
  });
});
