/** The consistency report between two final views, and the per-output-key diff of the harness. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bagDiff, sinkDiff } from "../../src/parity/compare.ts";
import { changesOf, diffViews, editDistance, formatChange, formatConsistency } from "../../src/parity/diff.ts";

describe("editDistance", () => {
  it("counts element insertions, deletions and substitutions (canonical JSON elements)", () => {
    expect(editDistance([], [])).toBe(0);
    expect(editDistance(["a", "b", "c"], ["a", "c"])).toBe(1);
    expect(editDistance(["a", "b"], ["b", "a"])).toBe(2);
    expect(editDistance([{ x: 1, y: 2 }], [{ y: 2, x: 1 }])).toBe(0);
    expect(editDistance([1, 2, 3], [])).toBe(3);
  });

  it("is a metric: symmetric, zero only on equal arrays, triangle inequality", () => {
    const arr = fc.array(fc.constantFrom(1, 2, 3, "a"), { maxLength: 6 });
    fc.assert(
      fc.property(arr, arr, arr, (a, b, c) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(JSON.stringify(a) === JSON.stringify(b));
        expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c));
      }),
    );
  });
});

describe("diffViews", () => {
  const a = [
    { u: "a", w: 0, n: 1, seq: [1, 2, 3] },
    { u: "a", w: 10, n: 2, seq: [] },
    { u: "b", w: 0, n: 3, seq: [4] },
  ];

  it("identical views", () => {
    const r = diffViews(a, [...a].reverse(), { key: ["u", "w"] });
    expect(r.identical).toBe(true);
    expect([r.matching, r.missing, r.extra, r.mismatched]).toEqual([3, 0, 0, 0]);
    expect(r.fields.map((f) => [f.field, f.rate])).toEqual([
      ["n", 0],
      ["seq", 0],
    ]);
    expect(r.fields[1]!.editDistance!.histogram["0"]).toBe(3);
  });

  it("keys on a composite key; per-field rates over keys on both sides; sequence edit distances", () => {
    const b = [
      { u: "a", w: 0, n: 1, seq: [1, 3] },
      { u: "a", w: 10, n: 20, seq: [] },
      { u: "c", w: 0, n: 3, seq: [4] },
    ];
    const r = diffViews(a, b, { key: ["u", "w"] });
    expect(r.identical).toBe(false);
    expect([r.matching, r.missing, r.extra, r.mismatched]).toEqual([0, 1, 1, 2]);
    const n = r.fields.find((f) => f.field === "n")!;
    expect([n.compared, n.mismatched, n.rate]).toEqual([2, 1, 0.5]);
    const seq = r.fields.find((f) => f.field === "seq")!;
    expect(seq.editDistance).toMatchObject({ count: 2, max: 1, mean: 0.5, histogram: { "0": 1, "1": 1 } });
    expect(r.examples.missing.map((x) => x.key)).toEqual([{ u: "b", w: 0 }]);
    expect(r.examples.extra.map((x) => x.key)).toEqual([{ u: "c", w: 0 }]);
    expect(formatConsistency(r, { a: "legacy", b: "new" })).toContain("mismatched:  2");
  });

  it("keys with several rows compare as bags; rows without the key fields match by content", () => {
    const r = diffViews([{ k: 1, v: 1 }, { k: 1, v: 2 }, { other: true }], [{ k: 1, v: 2 }, { k: 1, v: 1 }, { other: true }], { key: ["k"] });
    expect(r.identical).toBe(true);
    expect(r.duplicateKeys).toEqual({ a: 1, b: 1 });
    expect(r.unkeyedRows).toEqual({ a: 1, b: 1 });
  });

  it("without a key, only matching, missing and extra rows", () => {
    const r = diffViews([{ x: 1 }, { x: 2 }], [{ x: 2 }, { x: 3 }]);
    expect([r.matching, r.missing, r.extra, r.mismatched]).toEqual([1, 1, 1, 0]);
  });
});

describe("the harness's per-output-key diff", () => {
  it("bags count duplicates", () => {
    expect(bagDiff([1, 1, 2], [1, 2, 2])).toEqual({ missing: [1], extra: [2] });
  });

  it("groups rows by output key: missing, extra, different", () => {
    const d = sinkDiff(
      "out",
      ["k", "windowStart", "windowEnd"],
      [
        { k: "a", windowStart: 0, windowEnd: 10, n: 1 },
        { k: "b", windowStart: 0, windowEnd: 10, n: 1 },
      ],
      [
        { k: "b", windowStart: 0, windowEnd: 10, n: 2 },
        { k: "c", windowStart: 0, windowEnd: 10, n: 1 },
      ],
    );
    expect(d.missing.map((m) => m.key)).toEqual([{ k: "a", windowStart: 0, windowEnd: 10 }]);
    expect(d.extra.map((m) => m.key)).toEqual([{ k: "c", windowStart: 0, windowEnd: 10 }]);
    expect(d.different).toEqual([
      {
        key: { k: "b", windowStart: 0, windowEnd: 10 },
        expected: [{ k: "b", windowStart: 0, windowEnd: 10, n: 1 }],
        actual: [{ k: "b", windowStart: 0, windowEnd: 10, n: 2 }],
      },
    ]);
  });
});

describe("changesOf", () => {
  it("lists differing fields by path, the first differing array element with its index, and array lengths", () => {
    expect(changesOf({ a: 1, b: [1, 2, 3] }, { a: 1, b: [1, 2, 3] })).toEqual([]);
    expect(changesOf({ k: "x", a: 1, o: { p: { q: 1 } } }, { k: "y", a: 2, o: { p: { q: 2 } } }, ["k"])).toEqual([
      { path: "a", a: 1, b: 2 },
      { path: "o.p.q", a: 1, b: 2 },
    ]);
    expect(changesOf({ s: [1, 2, 3, 4] }, { s: [1, 9, 3, 8] })).toEqual([{ path: "s[1]", a: 2, b: 9 }]);
    expect(changesOf({ s: [1, 2] }, { s: [1] })).toEqual([
      { path: "s", lengths: [2, 1] },
      { path: "s[1]", a: 2 },
    ]);
    expect(changesOf({ s: [{ t: 1, u: 1 }] }, { s: [{ t: 2, u: 1 }] })).toEqual([{ path: "s[0].t", a: 1, b: 2 }]);
    expect(changesOf({ x: 1 }, { y: 1 })).toEqual([
      { path: "x", a: 1 },
      { path: "y", b: 1 },
    ]);
    expect(changesOf({ x: [1] }, { x: "1" })).toEqual([{ path: "x", a: [1], b: "1" }]);
    expect(changesOf({ x: null }, {})).toEqual([{ path: "x", a: null }]); // null and absent differ in a row
    expect(changesOf(1, 2)).toEqual([{ path: "", a: 1, b: 2 }]);
  });

  it("formats a change as one line", () => {
    expect(formatChange({ path: "s[1]", a: 2 })).toBe("s[1]: 2 → (absent)");
    expect(formatChange({ path: "s", lengths: [50, 49] })).toBe("s: 50 → 49 elements");
    expect(formatChange({ path: "t", a: "x".repeat(200), b: 1 })).toBe(`t: "${"x".repeat(98)}… → 1`);
  });
});
