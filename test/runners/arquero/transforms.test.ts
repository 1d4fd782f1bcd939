/**
 * Every transform on the ArqueroBatchRunner against the DirectRunner, on
 * small hand-made inputs that are out of order, late, duplicated and
 * partly invalid. Each case asserts parity (final view, dead letters and
 * late elements); where the contract pins a value, the expected rows are
 * spelled out too.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import { fsum } from "../../../src/combine/fsum.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import type { WindowFn } from "../../../src/window/types.ts";
import { runArquero } from "../../../runners/arquero/index.ts";
import { checkParity } from "./parity.ts";

/** An event: key `k`, source key `d`, time `ts`, id, payload `x`, string `s`. */
const Ev = t.intersection([t.type({ k: t.string, ts: t.number }), t.partial({ d: t.string, id: t.unknown, x: t.unknown, s: t.unknown })]);
type Ev = t.TypeOf<typeof Ev>;

/** Out of order per source key, a duplicate, a late straggler, an invalid record and a non-finite time. */
const EVENTS: unknown[] = [
  { k: "a", d: "A", ts: 1000, id: 1, x: 1, s: "p" },
  { k: "a", d: "A", ts: 5500, id: 2, x: 2.5, s: "q" },
  { k: "b", d: "B", ts: 3000, id: 3, x: -1, s: "p" },
  { k: "a", d: "A", ts: 2000, id: 4, x: "7", s: null },
  { k: "a", d: "A", ts: 5500, id: 2, x: 2.5, s: "q" },
  { k: "b", d: "A", ts: 12_000, id: 5, x: 0.1, s: "r" },
  { k: "b", d: "B", ts: 9000, id: 6, x: 0.2 },
  { k: "a", d: "A", ts: 500, id: 7, x: 3, s: "late" },
  { k: "a", ts: "soon" },
  { k: "b", d: "B", ts: 10_000, id: 8, x: [1, 2], s: { o: 1 } },
  { k: "c", d: "C", ts: Number.NaN, id: 9 },
  { k: "a", d: "A", ts: 15_000, id: 10, x: 4, s: "p" },
  { k: "b", d: "B", ts: 2000, id: 11, x: 5, s: "r" },
  { k: "a", d: "A", ts: 15_000, id: 12, x: 4, s: "p" },
];

const WINDOWS: [string, WindowFn][] = [
  ["global", L.global()],
  ["fixed", L.fixed(4000)],
  ["fixed with offset", L.fixed(4000, 1000)],
  ["sliding", L.sliding(6000, 2000)],
  ["sliding, period not dividing size", L.sliding(5000, 2000, 500)],
  ["session", L.session(3000)],
];

/** The source `ev`, keyed by `key`, with event times (loosely typed: cases reach into untyped fields). */
const timed = (source: any, key = "d"): L.Stream<any> =>
  L.pipe(
    source("ev", Ev, { key }) as L.Stream<Ev>,
    L.withTimestamps((e) => e.field("ts")),
  );

const run = (p: Pipeline<any>, inputs: Record<string, unknown[]> = { ev: EVENTS }, opts: { onExecutorError?: "fail" | "deadLetter" } = {}) =>
  checkParity(p, { inputs, ...opts });

describe("stateless transforms", () => {
  it("map, filter and keyBy", async () => {
    const p = L.pipeline("stateless", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        timed(source),
        L.map((e: any) => ({ k: e.field("k"), y: e.field("x").mul(2), big: e.field("x").gt(2), id: e.field("id") })),
        L.filter((e: any) => L.or(e.field("big"), e.field("y").lt(0))),
        L.keyBy(["k", "id"]),
        sink("out"),
      ),
    );
    const { direct } = await run(p);
    expect(direct.outputs.out!.length).toBeGreaterThan(0);
  });

  it("flatMap: items in order, null yields nothing, a non-array is a dead letter", async () => {
    const p = L.pipeline("flat", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        timed(source),
        L.flatMap((e: any) => e.field("x"), { as: "item" }),
        sink("out"),
      ),
    );
    const { direct } = await run(p, {
      ev: [
        { k: "a", ts: 1, x: [3, 1, 2] },
        { k: "a", ts: 2, x: null },
        { k: "a", ts: 3, x: 5 },
        { k: "a", ts: 4, x: [] },
        { k: "a", ts: 5, x: [{ z: 1 }, null] },
      ],
    });
    expect(direct.outputs.out).toEqual([{ item: 1 }, { item: 2 }, { item: 3 }, { item: null }, { item: { z: 1 } }]);
    expect(direct.deadLetters.map((d) => d.offset)).toEqual([3]);
  });

  it("a non-finite time (NaN in memory) is a source dead letter, as on a JSONL line, and advances no clock", async () => {
    const p = L.pipeline("ts", { version: 1 }, ({ source, sink }) =>
      L.pipe(timed(source), L.keyBy("k"), L.window(L.fixed(1000)), L.combine({ n: L.count() }), sink("out")),
    );
    const { direct } = await run(p);
    // "soon" fails the codec; NaN is no JSON number (docs/semantics.md §1), refused at the edge like 1e400 on a line.
    expect(direct.deadLetters.map((d) => d.stage).sort()).toEqual(["ev", "ev"]);
  });

  it("flatten of two sources, in arrival order", async () => {
    const p = L.pipeline("two", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        L.flatten([
          timed(source),
          L.pipe(
            source("more", Ev, { key: "d" }),
            L.withTimestamps((e) => e.field("ts")),
          ),
        ]),
        L.dedupe("id"),
        sink("out"),
      ),
    );
    await run(p, { ev: EVENTS, more: EVENTS.slice().reverse() });
  });
});

describe("executors", () => {
  const double = L.executor("double", 1, { normalize: (e: Ev) => ({ ...e, x: typeof e.x === "number" ? e.x * 2 : e.x }) });
  const positive = L.executor("positive", 1, { filter: async (e: Ev) => typeof e.x === "number" && e.x > 0 });
  const tagged = L.executor("tagged", 1, { featurize: async (e: Ev) => ({ id: e.id, tag: `${e.k}:${String(e.s)}`, extra: [e.ts] }) });
  const scalar = L.executor("scalar", 1, { featurize: (e: Ev) => e.id as unknown as Ev });
  const mutate = L.executor("mutate", 1, {
    normalize: (e: Ev) => {
      (e as Record<string, unknown>).seen = true;
      delete (e as Record<string, unknown>).s;
      return e;
    },
  });
  const boom = L.executor("boom", 1, { normalize: (e: Ev) => (e.id === 4 ? ((null as unknown as Ev).k as unknown as Ev) : e) });

  it("dispatch: keep, drop, executors, and values with no branch", async () => {
    for (const otherwise of ["deadLetter", "keep", "drop"] as const) {
      const p = L.pipeline("dispatch", { version: 1 }, ({ source, sink }) =>
        L.pipe(
          timed(source),
          (L.dispatch as any)("s", { p: double, q: L.drop, r: tagged, late: positive }, { otherwise }) as (s: unknown) => L.Stream<any>,
          sink("out"),
        ),
      );
      await run(p);
    }
  });

  it("apply: async filters, new shapes, non-object results and in-place mutation", async () => {
    for (const ex of [positive, tagged, scalar, mutate]) {
      const p = L.pipeline("apply", { version: 1 }, ({ source, sink }) => L.pipe(timed(source), L.apply(ex as any), sink("out")));
      await run(p);
    }
  });

  it("an executor that throws fails the run, or goes to the dead letters", async () => {
    const p = L.pipeline("boom", { version: 1 }, ({ source, sink }) => L.pipe(timed(source), L.apply(boom), sink("out")));
    await expect(runArquero(p, { inputs: { ev: EVENTS }, log: () => {} })).rejects.toThrow(/executor boom@1 in stage "ev.apply" threw on the element at ev:4/);
    await run(p, { ev: EVENTS }, { onExecutorError: "deadLetter" });
  });

  it("services: a call that fails after its retries is a dead letter", async () => {
    const enrich = L.executor("enrich", 1, {
      uses: ["geo"],
      enrich: async (e: Ev, ctx) => ({ ...e, geo: await ctx.call("geo", { k: e.k }) }),
    });
    const p = L.pipeline("svc", { version: 1, services: { geo: { timeoutMs: 50, retries: 1, backoffMs: 1 } } }, ({ source, sink }) =>
      L.pipe(timed(source), L.apply(enrich), sink("out")),
    );
    const registry = L.createRegistry([], { geo: async (req) => ((req as { k: string }).k === "b" ? Promise.reject(new Error("no b")) : { city: "x" }) });
    await checkParity(p, { inputs: { ev: EVENTS }, registry });
  });
});

describe("dedupe", () => {
  it("the first element per id passes (duplicates from one source key)", async () => {
    const p = L.pipeline("dd", { version: 1 }, ({ source, sink }) =>
      L.pipe(timed(source), (L.dedupe as any)("id") as (s: unknown) => L.Stream<any>, sink("out")),
    );
    const { direct } = await run(p);
    expect(direct.outputs.out!.filter((r: any) => r.id === 2)).toHaveLength(1);
  });

  it("with a ttl an id is forgotten once the source clock passes it", async () => {
    const p = L.pipeline("ddttl", { version: 1 }, ({ source, sink }) =>
      L.pipe(timed(source), (L.dedupe as any)(["k", "x"], { ttl: 3000 }) as (s: unknown) => L.Stream<any>, sink("out")),
    );
    const { logs } = await run(p);
    expect(logs.some((l) => l.includes("row at a time"))).toBe(true);
  });
});

describe("lookup (point in time)", () => {
  const Item = t.type({ s: t.string, label: t.string, from: t.number });
  const items = [
    { s: "p", label: "p0", from: 0 },
    { s: "p", label: "p1", from: 2000 },
    { s: "p", label: "p1b", from: 2000 },
    { s: "q", label: "q1", from: 6000 },
    { s: "r", label: "r1", from: 9000 },
    { s: "r", label: "r-bad", from: Number.POSITIVE_INFINITY },
    { s: "r" },
  ];
  it("takes the version with the greatest validFrom ≤ t, ties to the greatest canonical JSON", async () => {
    const p = L.pipeline("lk", { version: 1 }, ({ source, table, sink }) =>
      L.pipe(timed(source), L.lookup(table("items", Item, { key: "s", validFrom: "from" }), { on: "s", take: { label: "label", k: "s" } }), sink("out")),
    );
    const { direct } = await run(p, { ev: EVENTS, items });
    const byId = Object.fromEntries(direct.outputs.out!.map((r: any) => [r.id, r.label]));
    expect(byId[1]).toBe("p0");
    expect(byId[10]).toBe("p1b");
    expect(byId[2]).toBe(null); // q's only version starts later
  });
});

describe("combine: every window kind and every combiner", () => {
  const sumOfSquares = L.combiner("sumsq", 1, {
    create: () => 0,
    add: (a: number, x: unknown) => (typeof x === "number" ? a + x * x : a),
    merge: (a: number, b: number) => a + b,
    extract: (a: number) => a,
  });
  const aggs = () => ({
    n: L.count(),
    sum: L.sum("x"),
    mean: L.mean("x"),
    min: L.min("x"),
    max: L.max("x"),
    first: L.first("s"),
    last: L.last("s"),
    top: L.topK("x", 2),
    xs: L.collect("x"),
    distinct: L.countDistinct("s"),
    sq: L.aggregate(sumOfSquares, "x"),
  });
  for (const [name, fn] of WINDOWS) {
    for (const lateness of [0, 2500]) {
      it(`${name}, allowed lateness ${lateness}`, async () => {
        for (const key of ["d", "k"]) {
          const p = L.pipeline("agg", { version: 1 }, ({ source, sink }) =>
            L.pipe(
              timed(source, key),
              L.keyBy("k"),
              L.window(fn, { allowedLateness: lateness, trigger: { early: { every: 2 } } }),
              L.combine(aggs()),
              sink("out"),
            ),
          );
          await run(p);
        }
      });
    }
  }

  it("implicit global window: rows carry no window fields; explicit global: null bounds", async () => {
    const implicit = L.pipeline("g1", { version: 1 }, ({ source, sink }) => L.pipe(timed(source), L.keyBy("k"), L.combine({ n: L.count() }), sink("out")));
    const explicit = L.pipeline("g2", { version: 1 }, ({ source, sink }) =>
      L.pipe(timed(source), L.keyBy("k"), L.window(L.global()), L.combine({ n: L.count() }), sink("out")),
    );
    expect((await run(implicit)).arquero.outputs.out![0]).toEqual({ k: "a", n: 7 });
    expect((await run(explicit)).arquero.outputs.out![0]).toEqual({ k: "a", windowStart: null, windowEnd: null, n: 7 });
  });

  it("exact sums: bit-identical whatever the order", async () => {
    const values = [1e16, 1, -1e16, 0.1, 0.2, 0.3, -0.6, 3.14, 1e-300, -1e-300];
    const p = L.pipeline("sum", { version: 1 }, ({ source, sink }) =>
      L.pipe(timed(source), L.keyBy("k"), L.combine({ s: L.sum("x"), m: L.mean("x") }), sink("out")),
    );
    const { arquero } = await run(p, { ev: values.map((x, i) => ({ k: "a", d: String(i % 3), ts: i, x })) });
    // Naive left-to-right addition loses the 1 and rounds the decimals; the exact sum does not.
    expect(values.reduce((a, b) => a + b, 0)).not.toBe(fsum(values));
    expect(arquero.outputs.out).toEqual([{ k: "a", s: fsum(values), m: fsum(values) / values.length }]);
  });

  it("a filter after a combine removes the keys whose final row it rejects (§11)", async () => {
    const p = L.pipeline("post", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        timed(source),
        L.keyBy("k"),
        L.window(L.fixed(4000), { trigger: { early: { every: 1 } } }),
        L.combine({ n: L.count() }),
        L.filter((e) => e.field("n").lt(2)),
        sink("out"),
      ),
    );
    const { direct } = await run(p);
    expect(direct.outputs.out!.every((r: any) => r.n < 2)).toBe(true);
  });

  it("lateness at the exact boundary: an element whose clock equals end + lateness is late", async () => {
    const ev = [
      { k: "a", d: "A", ts: 1000, id: 1 },
      { k: "a", d: "A", ts: 6000, id: 2 },
      { k: "a", d: "A", ts: 1500, id: 3 }, // clock 6000 = end 4000 + 2000: late
      { k: "a", d: "A", ts: 4000, id: 4 }, // exactly at the end: next window
      { k: "a", d: "A", ts: 7999, id: 5 }, // clock 7999 < 4000 + 2000? no: 7999 ≥ 6000, but its window [4000, 8000) is open
      { k: "a", d: "A", ts: 3999, id: 6 }, // late for [0, 4000): 7999 ≥ 6000
    ];
    for (const fn of [L.fixed(4000), L.sliding(4000, 2000), L.session(1000)]) {
      const p = L.pipeline("edge", { version: 1 }, ({ source, sink }) =>
        L.pipe(timed(source), L.keyBy("k"), L.window(fn, { allowedLateness: 2000 }), L.combine({ ids: L.collect("id") }), sink("out")),
      );
      const { direct } = await run(p, { ev });
      expect(direct.late.length).toBeGreaterThan(0);
    }
  });

  it("groupByKey collects whole elements", async () => {
    for (const [, fn] of WINDOWS) {
      const p = L.pipeline("gbk", { version: 1 }, ({ source, sink }) =>
        L.pipe(timed(source), L.keyBy("k"), L.window(fn, { allowedLateness: 1000 }), L.groupByKey({ as: "all" }), sink("out")),
      );
      await run(p);
    }
  });

  it("a global combine feeding a windowed one (panes as elements)", async () => {
    const p = L.pipeline("chain", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        timed(source),
        L.keyBy("k"),
        L.combine({ n: L.count(), s: L.sum("x") }),
        L.keyBy("n"),
        L.window(L.fixed(1000)),
        L.combine({ keys: L.collect("k") }),
        sink("out"),
      ),
    );
    await run(p);
  });

  it("two aggregates flattened into one sink keep their own output keys", async () => {
    const p = L.pipeline("both", { version: 1 }, ({ source, sink }) => {
      const keyed = L.pipe(timed(source), L.keyBy("k"));
      return L.pipe(L.flatten([L.pipe(keyed, L.combine({ n: L.count() })), L.pipe(keyed, L.combine({ n: L.countDistinct("s") }))] as any), sink("out"));
    });
    const { direct } = await run(p);
    expect(direct.outputs.out).toHaveLength(4);
  });
});

describe("join", () => {
  for (const [name, fn] of WINDOWS) {
    for (const kind of ["inner", "left"] as const) {
      it(`${kind} join, ${name} windows`, async () => {
        const p = L.pipeline("join", { version: 1 }, ({ source, sink }) => {
          const left = L.pipe(timed(source), L.keyBy("k"), L.window(fn, { allowedLateness: 1000 }));
          const right = L.pipe(
            source("other", Ev, { key: "d" }),
            L.withTimestamps((e) => e.field("ts")),
            L.keyBy("k"),
            L.window(fn, { allowedLateness: 3000 }),
          );
          return L.pipe(left, (L.join as any)(right, { kind, as: ["l", "r"] }) as (s: unknown) => L.Stream<any>, sink("out"));
        });
        await run(p, { ev: EVENTS, other: EVENTS.filter((_, i) => i % 3 !== 0).reverse() });
      });
    }
  }
});

describe("sequence", () => {
  const mixedIds = [
    { k: "a", d: "A", ts: 5, id: "b" },
    { k: "a", d: "A", ts: 5, id: 2 },
    { k: "a", d: "A", ts: 5, id: null },
    { k: "a", d: "A", ts: 5, id: [1, "x"] },
    { k: "a", d: "A", ts: 5, id: [1] },
    { k: "a", d: "A", ts: 5, id: { z: 1 } },
    { k: "a", d: "A", ts: 5, id: true },
    { k: "a", d: "A", ts: 5, id: "a", x: 1 },
    { k: "a", d: "A", ts: 5, id: "a", x: 2 },
    { k: "a", d: "A", ts: 4, id: "a", x: 3 },
  ];
  for (const ttl of [undefined, 2000]) {
    it(`newest first, ties by id, one entry per id${ttl ? ", with a ttl" : ""}`, async () => {
      const p = L.pipeline("seq", { version: 1 }, ({ source, sink }) =>
        L.pipe(timed(source), L.keyBy("k"), L.sequence({ latest: 3, id: "id", fields: ["x", "ts", "s"], as: "seq", ...(ttl ? { ttl } : {}) }), sink("out")),
      );
      await run(p);
      await run(p, { ev: mixedIds });
    });
  }

  it("ids of every kind sort in value order", async () => {
    const p = L.pipeline("seqids", { version: 1 }, ({ source, sink }) =>
      L.pipe(timed(source), L.keyBy("k"), L.sequence({ latest: 10, id: "id", fields: ["id", "x"] }), sink("out")),
    );
    const { arquero } = await run(p, { ev: mixedIds });
    expect((arquero.outputs.out![0] as any).events.map((e: any) => e.id)).toEqual([null, true, 2, "a", "b", [1], [1, "x"], { z: 1 }]);
  });
});
