import { describe, expect, it } from "vitest";
import { BUILTIN_AGGS, builtinCombiner, validateBuiltinAgg } from "../../src/combine/builtins.ts";
import { DefinitionError } from "../../src/core/errors.ts";
import type { BuiltinAgg } from "../../src/combine/types.ts";
import { at, run } from "./helpers.ts";
import type { Timed } from "./helpers.ts";

const c = (agg: BuiltinAgg) => builtinCombiner(agg);

describe("count", () => {
  it("counts every input, nulls included", () => {
    expect(run(c({ fn: "count" }), [])).toBe(0);
    expect(run(c({ fn: "count" }), at(0, 1, null, "a", {}, undefined))).toBe(5);
  });
});

describe("sum", () => {
  const sum = c({ fn: "sum" });
  it("adds the numbers only", () => {
    expect(run(sum, [])).toBe(0);
    expect(run(sum, at(0, null, "3", true))).toBe(0);
    expect(run(sum, at(0, 1, 2, null, "3", true, 4.5, NaN, Infinity))).toBe(7.5);
  });
  it("is exact", () => {
    expect(run(sum, at(0, 1e16, 1, -1e16))).toBe(1);
    expect(run(sum, at(0, 0.1, 0.2, 0.3))).toBe(0.6);
    expect(Object.is(run(sum, at(0, -0)), 0)).toBe(true);
  });
});

describe("mean", () => {
  const mean = c({ fn: "mean" });
  it("divides the exact sum by the count of numbers", () => {
    expect(run(mean, [])).toBe(null);
    expect(run(mean, at(0, null, "x"))).toBe(null);
    expect(run(mean, at(0, 1, 2, null, 4))).toBe(7 / 3);
    expect(run(mean, at(0, 1e16, 1, -1e16, 2))).toBe(0.75);
  });
});

describe("min and max", () => {
  const min = c({ fn: "min" });
  const max = c({ fn: "max" });
  it("take the numbers only", () => {
    expect(run(min, at(0, 3, -1, null, "-9", 2))).toBe(-1);
    expect(run(max, at(0, 3, -1, null, "9", 2))).toBe(3);
    expect(run(min, [])).toBe(null);
    expect(run(max, at(0, null, "a"))).toBe(null);
  });
  it("treat -0 as 0", () => {
    expect(Object.is(run(min, at(0, 0, -0)), 0)).toBe(true);
    expect(Object.is(run(min, at(0, -0, 0)), 0)).toBe(true);
    expect(Object.is(run(max, at(0, -0)), 0)).toBe(true);
    expect(Object.is(run(max, at(0, -5, -0)), 0)).toBe(true);
  });
});

describe("first and last", () => {
  const first = c({ fn: "first" });
  const last = c({ fn: "last" });
  const inputs: Timed[] = [
    ["a", 5],
    ["c", 3],
    ["b", 3],
    [null, 1],
    ["z", 9],
    [null, 10],
  ];
  it("pick by event time, ignoring nulls", () => {
    expect(run(first, inputs)).toBe("b"); // ts 3 tie: "b" < "c"
    expect(run(last, inputs)).toBe("z");
    expect(run(first, [])).toBe(null);
    expect(run(last, at(4, null))).toBe(null);
  });
  it("break ties by value order (§1): smallest first, largest last", () => {
    expect(run(last, at(3, "b", "c", "a"))).toBe("c");
    // Value order: numbers before strings, whatever their text.
    expect(run(first, at(1, 9, "10"))).toBe(9);
    expect(run(last, at(1, "10", 9))).toBe("10");
    // Numbers numerically: 9 < 10 (their canonical texts sort the other way).
    expect(run(first, at(1, 10, 9))).toBe(9);
    expect(run(first, at(1, { b: 2 }, { a: 9 }))).toEqual({ a: 9 });
  });
  it("return plain-JSON copies with sorted keys", () => {
    const out = run(first, at(0, { b: 1, a: [2, undefined, -0], f: () => 1 }));
    expect(out).toEqual({ a: [2, null, 0], b: 1 });
    expect(Object.keys(out as object)).toEqual(["a", "b"]);
  });
  it("refuse a non-finite timestamp", () => {
    expect(() => run(first, [["a", NaN]])).toThrow(/finite/);
  });
});

describe("topK", () => {
  it("keeps the k largest numbers, descending, duplicates kept", () => {
    expect(run(c({ fn: "topK", k: 3 }), at(0, 5, 1, 5, null, "9", 3, 7))).toEqual([7, 5, 5]);
    expect(run(c({ fn: "topK", k: 3 }), [])).toEqual([]);
    expect(run(c({ fn: "topK", k: 3 }), at(0, 2))).toEqual([2]);
    expect(run(c({ fn: "topK", k: 1 }), at(0, -3, -1, -2))).toEqual([-1]);
    const top = run(c({ fn: "topK", k: 2 }), at(0, -1, -0)) as number[];
    expect(top).toEqual([0, -1]);
    expect(Object.is(top[0], 0)).toBe(true);
  });
});

describe("collect", () => {
  const collect = c({ fn: "collect" });
  it("orders by time, then value order, dropping nulls", () => {
    const inputs: Timed[] = [
      ["b", 2],
      ["a", 2],
      [null, 1],
      ["c", 1],
    ];
    expect(run(collect, inputs)).toEqual(["c", "a", "b"]);
    expect(run(collect, at(5, 1, "1"))).toEqual([1, "1"]);
    // The issue-14 case: same-time 9, 10, "a".
    expect(run(collect, at(5, "a", 10, 9))).toEqual([9, 10, "a"]);
    expect(run(collect, at(5, 2, 2))).toEqual([2, 2]);
    expect(run(collect, [])).toEqual([]);
  });
});

describe("countDistinct", () => {
  const distinct = c({ fn: "countDistinct" });
  it("counts distinct non-null values by canonical JSON", () => {
    expect(run(distinct, at(0, 1, 1.0, "1", null, { a: 1, b: 2 }, { b: 2, a: 1 }, [1], [1]))).toBe(4);
    expect(run(distinct, at(0, -0, 0))).toBe(1);
    expect(run(distinct, at(0, "__proto__", "constructor", "toString"))).toBe(3);
    expect(run(distinct, at(0, null, undefined))).toBe(0);
    expect(run(distinct, [])).toBe(0);
  });
});

describe("builtinCombiner", () => {
  it("knows every built-in", () => {
    for (const fn of BUILTIN_AGGS) expect(typeof builtinCombiner({ fn, k: 2 } as BuiltinAgg).add).toBe("function");
  });

  it("rejects unknown aggregates and bad k, saying the fix", () => {
    expect(() => builtinCombiner({ fn: "median" } as unknown as BuiltinAgg, "aggs.p50")).toThrow(
      /^aggs\.p50\.fn: unknown aggregate "median"\. Fix: use one of count, sum, .*countDistinct/,
    );
    for (const k of [0, -1, 1.5, NaN, undefined]) {
      const errors = validateBuiltinAgg({ fn: "topK", k } as BuiltinAgg, "a");
      expect(errors.map((e) => e.path)).toEqual(["a.k"]);
      expect(errors[0]).toBeInstanceOf(DefinitionError);
    }
    expect(validateBuiltinAgg({ fn: "topK", k: 1 }, "a")).toEqual([]);
  });
});
