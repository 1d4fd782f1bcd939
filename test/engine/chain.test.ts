/**
 * Stateless stages run fused, a chain at a time (src/engine/ops/chain.ts), and
 * nothing about them moves (docs/semantics.md §3, §4, §6): each stage of a
 * chain reports its own dead letters with the value it read, counts its own
 * elements, keeps its own clocks; a flatMap's values go through the rest of
 * the chain in order, waiting for a full async stage after it; a branch ends a
 * chain. Every expectation is worked out by hand from the contract.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { ast } from "../../src/expr/ast.ts";
import { MAX_IN_FLIGHT } from "../../src/engine/ops/executors.ts";
import { deadAt, lateAt, run } from "./direct-harness.ts";

/** The part's `s` matched against its own pattern `p` (the DSL takes only literal patterns; RE2 refuses some at run time). */
const matchesOwnPattern = new L.Expr<boolean | null>(ast.call("matches", ast.field("part", "s"), ast.field("part", "p")));
/** The mapped value's `s` matched against its pattern `q`. */
const matchesSecondPattern = new L.Expr<boolean | null>(ast.call("matches", ast.field("s"), ast.field("q")));

describe("a fused chain", () => {
  const Rec = t.type({ k: t.string, ts: t.union([t.number, t.null]), parts: t.unknown });
  type Part = { s: string; p: string; q: string };
  const p = L.pipeline("chain", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("ev", Rec, { key: "k" }),
      L.withTimestamps((e) => e.field("ts")),
      L.filter((e) => e.field("k").neq("skip")),
      L.flatMap((e) => e.field("parts") as L.Expr<Part[] | null>, { as: "part" }),
      L.map((e) => ({ s: e.field("part").field("s"), q: e.field("part").field("q"), m: matchesOwnPattern })),
      L.filter(() => matchesSecondPattern, { name: "second" }),
      L.keyBy("s"),
      sink("out"),
    ),
  );
  const input = [
    // "(a)\1" is a backreference RE2 refuses: the map's dead letter, with the value the map read;
    // "a(?=b)" a lookahead, refused by the filter after the map: its dead letter has the map's output.
    {
      k: "a",
      ts: 10,
      parts: [
        { s: "ab", p: "^a", q: "b$" },
        { s: "b", p: "(a)\\1", q: "b" },
        { s: "ab", p: "a", q: "a(?=b)" },
      ],
    },
    { k: "b", ts: null, parts: [{ s: "x", p: "x", q: "x" }] }, // no event time: withTimestamps' dead letter
    { k: "skip", ts: 5, parts: [{ s: "y", p: "y", q: "y" }] }, // filtered out
    { k: "a", ts: 3, parts: "nope" }, // not an array: the flatMap's dead letter
    { k: "b", ts: 7, parts: [] }, // no items
    { k: "c", ts: 1, parts: null }, // null: no items, no dead letter
  ];

  it("reports each stage's dead letters, with the value that stage read, and lets the other elements go on", async () => {
    const r = await run(p, { ev: input });
    expect(r.outputs.out).toEqual([{ s: "ab", q: "b$", m: true }]);
    expect(deadAt(r)).toEqual([
      ["ev", 1, "ev.map"],
      ["ev", 1, "second"],
      ["ev", 2, "ev.withTimestamps"],
      ["ev", 4, "ev.flatMap"],
    ]);
    const [refused, second, time, notArray] = r.deadLetters;
    expect(second).toMatchObject({ value: { s: "ab", q: "a(?=b)", m: true }, reason: expect.stringMatching(/^invalid regular expression "a\(\?=b\)"/) });
    expect(refused).toMatchObject({
      value: { part: { s: "b", p: "(a)\\1", q: "b" } },
      reason: expect.stringMatching(/^invalid regular expression "\(a\)\\\\1" computed at run time/),
    });
    expect(time).toMatchObject({ value: input[1], reason: "event time is null, not a finite number of ms" });
    expect(notArray).toMatchObject({ value: input[3], reason: 'flatMap expression gave "nope", not an array' });
  });

  it("counts every stage's elements as the stage alone would", async () => {
    const r = await run(p, { ev: input });
    expect(r.metrics.ev).toMatchObject({ in: 6, out: 6, deadLetters: 0 });
    expect(r.metrics["ev.withTimestamps"]).toMatchObject({ in: 6, out: 5, deadLetters: 1 });
    expect(r.metrics["ev.filter"]).toMatchObject({ in: 5, out: 4, deadLetters: 0 });
    // Records 1, 4, 5, 6 reach the flatMap; only record 1 gives values (its three items).
    expect(r.metrics["ev.flatMap"]).toMatchObject({ in: 4, out: 3, deadLetters: 1 });
    expect(r.metrics["ev.map"]).toMatchObject({ in: 3, out: 2, deadLetters: 1 });
    expect(r.metrics.second).toMatchObject({ in: 2, out: 1, deadLetters: 1 });
    expect(r.metrics["ev.keyBy"]).toMatchObject({ in: 1, out: 1, deadLetters: 0 });
  });
});

describe("a branch ends a chain", () => {
  const Ev = t.type({ k: t.string, g: t.string, ts: t.number });
  // withTimestamps is read by two stages: each branch is a chain of its own, and both see its clocks.
  const p = L.pipeline("branches", { version: 1 }, ({ source, sink }) => {
    const timed = L.pipe(
      source("ev", Ev, { key: "k" }),
      L.withTimestamps((e) => e.field("ts")),
    );
    return [
      L.pipe(
        timed,
        L.filter((e) => e.field("g").eq("x")),
        L.keyBy("g"),
        L.window(L.fixed(10)),
        L.combine({ n: L.count() }),
        sink("counts"),
      ),
      L.pipe(
        timed,
        L.map((e) => ({ k: e.field("k"), at: e.field("ts") })),
        sink("all"),
      ),
    ];
  });

  it("gives each branch every element, and judges lateness by the element's own source-key clock", async () => {
    const r = await run(p, {
      ev: [
        { k: "a", g: "x", ts: 25 }, // clock a = 25
        { k: "b", g: "x", ts: 4 }, // clock b = 4: on time although a's clock is 25
        { k: "a", g: "x", ts: 6 }, // clock a = 25 ≥ 10: late for [0, 10)
        { k: "b", g: "y", ts: 30 }, // filtered out of the counts, but it advances b's clock to 30
        { k: "b", g: "x", ts: 8 }, // clock b = 30: late for [0, 10)
      ],
    });
    expect(r.outputs.counts).toEqual([
      { g: "x", windowStart: 0, windowEnd: 10, n: 1 },
      { g: "x", windowStart: 20, windowEnd: 30, n: 1 },
    ]);
    expect(lateAt(r)).toEqual([
      ["ev", 3, 6, 25],
      ["ev", 5, 8, 30],
    ]);
    expect(r.outputs.all).toEqual([
      { at: 25, k: "a" },
      { at: 30, k: "b" },
      { at: 4, k: "b" },
      { at: 6, k: "a" },
      { at: 8, k: "b" },
    ]);
    expect(r.metrics["ev.withTimestamps"]).toMatchObject({ in: 5, out: 5 });
    expect(r.metrics["ev.filter"]).toMatchObject({ in: 5, out: 4 });
    expect(r.metrics["ev.map"]).toMatchObject({ in: 5, out: 5 });
  });
});

describe("a flatMap before a full async stage", () => {
  const Line = t.type({ id: t.number, items: t.array(t.number) });
  const seen: number[] = [];
  // Never resolves before the next tick: the stage fills up, and the flatMap must wait for room.
  const slow = L.executor("slow", 1, {
    featurize: async (e: { i: number }) => {
      await new Promise((res) => setImmediate(res));
      seen.push(e.i);
      return e;
    },
  });
  const p = L.pipeline("wait", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("lines", Line),
      L.flatMap((e) => e.field("items"), { as: "i" }),
      L.filter((e) => e.field("i").mod(2).eq(0)),
      L.apply(slow),
      sink("out"),
    ),
  );

  it("hands every value on, in order, waiting while the stage after is full", async () => {
    seen.length = 0;
    const n = 4 * MAX_IN_FLIGHT + 3;
    const r = await run(p, { lines: [{ id: 1, items: Array.from({ length: n }, (_, i) => i) }] });
    const evens = Array.from({ length: Math.ceil(n / 2) }, (_, j) => 2 * j);
    expect(seen).toEqual(evens);
    expect((r.outputs.out as { i: number }[]).map((x) => x.i).sort((a, b) => a - b)).toEqual(evens);
    expect(r.metrics["lines.flatMap"]).toMatchObject({ in: 1, out: n });
    expect(r.metrics["lines.filter"]).toMatchObject({ in: n, out: evens.length });
  });
});
