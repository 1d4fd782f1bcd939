/**
 * Every combiner through `combine` on the DirectRunner (docs/semantics.md §10),
 * plus `groupByKey` and the implicit vs explicit global window (§7).
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { runArquero } from "../../runners/arquero/index.ts";
import { Ev } from "./keyed-harness.ts";

type Aggs = Parameters<typeof L.combine>[0];

/** `ev (key k) → withTimestamps(ts) → keyBy(k) → combine(aggs)` with no window stage (implicit global). */
const combined = async (aggs: Aggs, events: readonly unknown[]): Promise<unknown[]> => {
  const p = L.pipeline("agg", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("ev", Ev, { key: "k" }),
      L.withTimestamps((e) => e.field("ts")),
      L.keyBy("k"),
      L.combine(aggs),
      sink("out"),
    ),
  );
  return (await runDirect(p, { inputs: { ev: events } })).outputs.out!;
};

/** Events of key "a" with payloads `x` at times `ts` (index order unless given). */
const xs = (values: readonly unknown[], times?: readonly number[]) => values.map((x, i) => ({ k: "a", ts: times?.[i] ?? i, x }));

describe("built-in combiners", () => {
  it("count counts every element, nulls and missing fields included", async () => {
    expect(
      await combined({ n: L.count() }, [
        { k: "a", ts: 1, x: null },
        { k: "a", ts: 2 },
        { k: "a", ts: 3, x: 0 },
      ]),
    ).toEqual([{ k: "a", n: 3 }]);
  });

  it("sum is exactly rounded: [1e16, 1, -1e16] gives 1 (left to right doubles give 0)", async () => {
    // 1e16 + 1 rounds to 1e16 (ulp 2, ties to even), so naive summation loses the 1.
    expect(await combined({ s: L.sum("x") }, xs([1e16, 1, -1e16]))).toEqual([{ k: "a", s: 1 }]);
    expect(await combined({ s: L.sum("x") }, xs([-1e16, 1e16, 1]))).toEqual([{ k: "a", s: 1 }]);
    // 0.1 + 0.2 + 0.3: the exact sum of the three doubles rounds to 0.6, not 0.6000000000000001.
    expect(await combined({ s: L.sum("x") }, xs([0.1, 0.2, 0.3]))).toEqual([{ k: "a", s: 0.6 }]);
  });

  it("sum, mean, min, max and topK ignore nulls and non-numbers; with none: 0, null, null, null, []", async () => {
    const aggs = { s: L.sum("x"), m: L.mean("x"), lo: L.min("x"), hi: L.max("x"), top: L.topK("x", 3) };
    expect(await combined(aggs, xs([3, "100", null, -2, true, 10, [7], 5, 5]))).toEqual([{ k: "a", s: 21, m: 21 / 5, lo: -2, hi: 10, top: [10, 5, 5] }]);
    expect(await combined(aggs, xs(["1", null, false]))).toEqual([{ k: "a", s: 0, m: null, lo: null, hi: null, top: [] }]);
  });

  it("mean is the exact sum over the count of numbers", async () => {
    // exact sum 3 over 4 numbers; the string does not count.
    expect(await combined({ m: L.mean("x") }, xs([1e16, 1, -1e16, "9", 2]))).toEqual([{ k: "a", m: 0.75 }]);
  });

  it("topK keeps duplicates, descending, and at most k", async () => {
    expect(await combined({ top: L.topK("x", 3) }, xs([5, 1, 5, 9, 5]))).toEqual([{ k: "a", top: [9, 5, 5] }]);
    expect(await combined({ top: L.topK("x", 3) }, xs([-1, -3]))).toEqual([{ k: "a", top: [-1, -3] }]);
  });

  it("first and last: smallest / largest event time, ties by value order (smallest / largest)", async () => {
    // ts 5 ties "b" vs "a": first takes "a"; ts 7 ties "z" vs "y": last takes "z". Arrival order is irrelevant.
    const ev = xs(["z", "b", "a", "y"], [7, 5, 5, 7]);
    expect(await combined({ f: L.first("x"), l: L.last("x") }, ev)).toEqual([{ k: "a", f: "a", l: "z" }]);
    // Value order compares numbers numerically: at a tie first is 9 and last is 10.
    expect(await combined({ f: L.first("x"), l: L.last("x") }, xs([9, 10], [1, 1]))).toEqual([{ k: "a", f: 9, l: 10 }]);
    // Different types: numbers sort before strings.
    expect(await combined({ f: L.first("x"), l: L.last("x") }, xs([1, "a"], [0, 0]))).toEqual([{ k: "a", f: 1, l: "a" }]);
  });

  it('time ties resolve by value order on the arquero runner too (issue 14: 9, 10, "a" at one time)', async () => {
    const p = L.pipeline("agg", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.combine({ c: L.collect("x"), f: L.first("x"), l: L.last("x") }),
        sink("out"),
      ),
    );
    const ev = xs(["a", 10, 9], [4, 4, 4]);
    const expected = [{ k: "a", c: [9, 10, "a"], f: 9, l: "a" }];
    expect((await runDirect(p, { inputs: { ev } })).outputs.out).toEqual(expected);
    expect((await runArquero(p, { inputs: { ev }, log: () => {} })).outputs.out).toEqual(expected);
  });

  it("first and last skip nulls (choice: like collect); with none, null", async () => {
    expect(await combined({ f: L.first("x"), l: L.last("x") }, xs([null, 4, null], [0, 1, 2]))).toEqual([{ k: "a", f: 4, l: 4 }]);
    expect(await combined({ f: L.first("x"), l: L.last("x") }, xs([null]))).toEqual([{ k: "a", f: null, l: null }]);
  });

  it("collect orders non-null values by (event time, value order)", async () => {
    // ts 1: "a" < "b"; ts 3: 9 < 10 < "c" (numbers numerically, then strings).
    const ev = xs(["c", "b", 10, 9, null, "a"], [3, 1, 3, 3, 2, 1]);
    expect(await combined({ c: L.collect("x") }, ev)).toEqual([{ k: "a", c: ["a", "b", 9, 10, "c"] }]);
  });

  it("countDistinct compares non-null values by canonical JSON", async () => {
    // 1 and 1.0 are one value; key order does not matter; "1" and [1] are different values; null is skipped.
    const ev = xs([1, 1.0, "1", { a: 1, b: 2 }, { b: 2, a: 1 }, null, [1]]);
    expect(await combined({ d: L.countDistinct("x") }, ev)).toEqual([{ k: "a", d: 4 }]);
  });

  it("aggregates may read an expression", async () => {
    expect(await combined({ s: L.sum((e) => e.field("ts").mul(10)) }, xs([null, null, null]))).toEqual([{ k: "a", s: 30 }]);
  });
});

describe("custom combiners", () => {
  /** The spread of numeric inputs, max − min; a plain-JSON accumulator. */
  const spread = L.combiner("spread", 1, {
    create: (): { lo: number | null; hi: number | null } => ({ lo: null, hi: null }),
    add: (acc, x: unknown) => (typeof x === "number" ? { lo: acc.lo === null ? x : Math.min(acc.lo, x), hi: acc.hi === null ? x : Math.max(acc.hi, x) } : acc),
    merge: (a, b) => ({
      lo: a.lo === null ? b.lo : b.lo === null ? a.lo : Math.min(a.lo, b.lo),
      hi: a.hi === null ? b.hi : b.hi === null ? a.hi : Math.max(a.hi, b.hi),
    }),
    extract: (acc) => (acc.lo === null || acc.hi === null ? null : acc.hi - acc.lo),
  });

  it("runs through L.aggregate next to built-ins", async () => {
    expect(await combined({ spread: L.aggregate(spread, "x"), n: L.count() }, xs([4, -3, "x", 10]))).toEqual([{ k: "a", spread: 13, n: 4 }]);
  });

  it("is merged when sessions merge", async () => {
    const p = L.pipeline("custom-sessions", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.window(L.session(10), { allowedLateness: 100 }),
        L.combine({ spread: L.aggregate(spread, "x") }),
        sink("out"),
      ),
    );
    // [0,10) holds 5, [15,25) holds 2; ts 7 (x 20) bridges them into [0,25): spread 20 − 2.
    const ev = [
      { k: "a", ts: 0, x: 5 },
      { k: "a", ts: 15, x: 2 },
      { k: "a", ts: 7, x: 20 },
    ];
    expect((await runDirect(p, { inputs: { ev } })).outputs.out).toEqual([{ k: "a", windowStart: 0, windowEnd: 25, spread: 18 }]);
  });

  it("can read the whole element with '*'", async () => {
    const ids = L.combiner("idSum", 1, {
      create: () => 0,
      add: (acc: number, e: { id?: number }) => acc + (e.id ?? 0),
      merge: (a, b) => a + b,
      extract: (acc) => acc,
    });
    const ev = [
      { k: "a", ts: 1, id: 2 },
      { k: "a", ts: 2, id: 5 },
    ];
    expect(await combined({ ids: L.aggregate(ids, "*") }, ev)).toEqual([{ k: "a", ids: 7 }]);
  });
});

describe("groupByKey and the global window", () => {
  it("groupByKey collects whole elements by (event time, canonical JSON)", async () => {
    const p = L.pipeline("gbk", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.groupByKey({ as: "events" }),
        sink("out"),
      ),
    );
    const ev = [
      { k: "a", ts: 2, id: 1 },
      { k: "b", ts: 0, id: 9 },
      { k: "a", ts: 1, id: 2 },
      { k: "a", ts: 2, id: 0 },
    ];
    // ts 2 tie: {"id":0,…} < {"id":1,…}.
    expect((await runDirect(p, { inputs: { ev } })).outputs.out).toEqual([
      { k: "a", events: [ev[2], ev[3], ev[0]] },
      { k: "b", events: [ev[1]] },
    ]);
  });

  it("an implicit global window adds no window fields; an explicit one adds null bounds", async () => {
    const implicit = L.pipeline("implicit", { version: 1 }, ({ source, sink }) =>
      L.pipe(source("ev", Ev), L.keyBy("k"), L.combine({ n: L.count() }), sink("out")),
    );
    const explicit = L.pipeline("explicit", { version: 1 }, ({ source, sink }) =>
      L.pipe(source("ev", Ev), L.keyBy("k"), L.window(L.global()), L.combine({ n: L.count() }), sink("out")),
    );
    const ev = [
      { k: "b", ts: 1 },
      { k: "a", ts: 2 },
      { k: "b", ts: 3 },
    ];
    const i = (await runDirect(implicit, { inputs: { ev } })).outputs.out!;
    const e = (await runDirect(explicit, { inputs: { ev } })).outputs.out!;
    expect(i).toEqual([
      { k: "a", n: 1 },
      { k: "b", n: 2 },
    ]);
    expect(i.every((row) => !Object.hasOwn(row as object, "windowStart") && !Object.hasOwn(row as object, "windowEnd"))).toBe(true);
    expect(e).toEqual([
      { k: "a", windowStart: null, windowEnd: null, n: 1 },
      { k: "b", windowStart: null, windowEnd: null, n: 2 },
    ]);
  });
});

describe("the event time of an aggregate's output rows (docs/semantics.md §10)", () => {
  const Visit = t.type({ user: t.string, ts: t.number });
  // Per user: the largest event time (global window); then, over all users, `collect` orders the users by it.
  const twoLevel = L.pipeline("two-level", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("visits", Visit, { key: "user" }),
      L.withTimestamps((e) => e.field("ts")),
      L.keyBy("user"),
      L.combine({ n: L.count() }),
      L.map((e) => ({ all: L.lit("all"), user: e.field("user") })),
      L.keyBy("all"),
      L.combine({ order: L.collect("user"), firstUser: L.first("user") }),
      sink("out"),
    ),
  );
  const visits = [
    { user: "u1", ts: 9_000 },
    { user: "u2", ts: 1_000 },
    { user: "u3", ts: 4_000 },
    { user: "u2", ts: 6_000 },
    { user: "u1", ts: 2_000 },
  ];

  it("global window: the key's stage clock (largest event time so far), on direct and arquero", async () => {
    // u1's rows carry 9000, u2's 6000, u3's 4000.
    const expected = [{ all: "all", order: ["u3", "u2", "u1"], firstUser: "u3" }];
    expect((await runDirect(twoLevel, { inputs: { visits } })).outputs.out).toEqual(expected);
    expect((await runArquero(twoLevel, { inputs: { visits }, log: () => {} })).outputs.out).toEqual(expected);
  });
});
