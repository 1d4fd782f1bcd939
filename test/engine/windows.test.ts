/**
 * Window assignment through `combine` on the DirectRunner (docs/semantics.md §7).
 * Every expectation is worked out by hand from the contract.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { runArquero } from "../../runners/arquero/index.ts";
import { countPipeline, evs } from "./keyed-harness.ts";

const run = async (fn: Parameters<typeof countPipeline>[0], events: unknown[], lateness = 0) =>
  (await runDirect(countPipeline(fn, { allowedLateness: lateness }), { inputs: { ev: events } })).outputs.out;

describe("fixed windows", () => {
  it("assigns negative times and times exactly at a window end to the right half-open window", async () => {
    // floor(-11/10)·10 = -20; -10 and -1 → [-10, 0); 0 and 9 → [0, 10); 10 is the end of [0, 10) so → [10, 20).
    const out = await run(L.fixed(10), evs("a", [-11, -10, -1, 0, 9, 10]));
    expect(out).toEqual([
      { k: "a", windowStart: -20, windowEnd: -10, n: 1, ids: [1] },
      { k: "a", windowStart: -10, windowEnd: 0, n: 2, ids: [2, 3] },
      { k: "a", windowStart: 0, windowEnd: 10, n: 2, ids: [4, 5] },
      { k: "a", windowStart: 10, windowEnd: 20, n: 1, ids: [6] },
    ]);
  });

  it("honours the offset: start = floor((t − offset) / size) · size + offset", async () => {
    // offset 3: -8 → floor(-11/10) = -2 → -17; 2 → floor(-1/10) = -1 → -7; 3 and 12 → 3; 13 → 13.
    const out = await run(L.fixed(10, 3), evs("a", [-8, 2, 3, 12, 13]));
    expect(out).toEqual([
      { k: "a", windowStart: -17, windowEnd: -7, n: 1, ids: [1] },
      { k: "a", windowStart: -7, windowEnd: 3, n: 1, ids: [2] },
      { k: "a", windowStart: 3, windowEnd: 13, n: 2, ids: [3, 4] },
      { k: "a", windowStart: 13, windowEnd: 23, n: 1, ids: [5] },
    ]);
  });

  it("gives the same rows for out-of-order input when lateness allows it", async () => {
    // Clock is 25 from the first element on; the oldest window [0,10) ends at 10 and 25 < 10 + 100.
    const out = await run(L.fixed(10), evs("a", [25, 3, 17, 8, 21]), 100);
    expect(out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 10, n: 2, ids: [2, 4] },
      { k: "a", windowStart: 10, windowEnd: 20, n: 1, ids: [3] },
      { k: "a", windowStart: 20, windowEnd: 30, n: 2, ids: [5, 1] },
    ]);
  });

  it("counts duplicates as separate elements and sorts rows by key, then window", async () => {
    const dup = { k: "b", ts: 5, id: 7 };
    const out = await run(L.fixed(10), [dup, { k: "a", ts: 6, id: 1 }, dup, { k: "a", ts: 14, id: 2 }]);
    expect(out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 10, n: 1, ids: [1] },
      { k: "a", windowStart: 10, windowEnd: 20, n: 1, ids: [2] },
      { k: "b", windowStart: 0, windowEnd: 10, n: 2, ids: [7, 7] },
    ]);
  });
});

describe("sliding windows", () => {
  it("puts each element in every window [s, s+size) with s ≡ offset (mod period), including negative times", async () => {
    // size 10, period 5: -3 → [-10,0), [-5,5); 0 → [-5,5), [0,10); 7 → [0,10), [5,15); 10 → [5,15), [10,20).
    const out = await run(L.sliding(10, 5), evs("a", [-3, 0, 7, 10]));
    expect(out).toEqual([
      { k: "a", windowStart: -10, windowEnd: 0, n: 1, ids: [1] },
      { k: "a", windowStart: -5, windowEnd: 5, n: 2, ids: [1, 2] },
      { k: "a", windowStart: 0, windowEnd: 10, n: 2, ids: [2, 3] },
      { k: "a", windowStart: 5, windowEnd: 15, n: 2, ids: [3, 4] },
      { k: "a", windowStart: 10, windowEnd: 20, n: 1, ids: [4] },
    ]);
  });

  it("handles a period that does not divide the size", async () => {
    // size 10, period 4: 7 → starts 4, 0 (−4 + 10 = 6 ≤ 7); 9 → starts 8, 4, 0.
    const out = await run(L.sliding(10, 4), evs("a", [7, 9]));
    expect(out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 10, n: 2, ids: [1, 2] },
      { k: "a", windowStart: 4, windowEnd: 14, n: 2, ids: [1, 2] },
      { k: "a", windowStart: 8, windowEnd: 18, n: 1, ids: [2] },
    ]);
  });
});

describe("session windows", () => {
  it("merges overlapping proto-windows, not touching ones", async () => {
    // gap 10: [0,10)+[5,15) → [0,15); [20,30)+[29,39) → [20,39); [39,49) only touches [20,39).
    const out = await run(L.session(10), evs("a", [0, 5, 20, 29, 39]));
    expect(out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 15, n: 2, ids: [1, 2] },
      { k: "a", windowStart: 20, windowEnd: 39, n: 2, ids: [3, 4] },
      { k: "a", windowStart: 39, windowEnd: 49, n: 1, ids: [5] },
    ]);
  });

  it("finds the same sessions for out-of-order input within lateness", async () => {
    // Clock 39 throughout; no proto-window [t, t+10) ends at or before 39 − 100.
    const events = [39, 0, 20, 5, 29].map((ts) => ({ k: "a", ts, id: ts }));
    const out = await run(L.session(10), events, 100);
    expect(out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 15, n: 2, ids: [0, 5] },
      { k: "a", windowStart: 20, windowEnd: 39, n: 2, ids: [20, 29] },
      { k: "a", windowStart: 39, windowEnd: 49, n: 1, ids: [39] },
    ]);
  });

  it("keeps sessions of different keys apart and handles negative times", async () => {
    const out = await run(L.session(5), [
      { k: "b", ts: -7, id: 1 },
      { k: "a", ts: -7, id: 2 },
      { k: "b", ts: -3, id: 3 },
      { k: "a", ts: -2, id: 4 },
    ]);
    // b: [-7,-2) overlaps [-3,2) → [-7,2). a: [-7,-2) touches [-2,3) → two sessions.
    expect(out).toEqual([
      { k: "a", windowStart: -7, windowEnd: -2, n: 1, ids: [2] },
      { k: "a", windowStart: -2, windowEnd: 3, n: 1, ids: [4] },
      { k: "b", windowStart: -7, windowEnd: 2, n: 2, ids: [1, 3] },
    ]);
  });
});

describe("global windows", () => {
  it("an explicit global window is one window per key with null bounds, never late", async () => {
    const out = await run(L.global(), evs("a", [50, -1e12, 3]));
    expect(out).toEqual([{ k: "a", windowStart: null, windowEnd: null, n: 3, ids: [2, 3, 1] }]);
  });
});

describe("hopping windows with gaps (sliding with period > size, issue 14 §4)", () => {
  // Windows [0, 2s), [5s, 7s), [10s, 12s) …: elements at 3 s and 8 s fall in gaps and count nowhere.
  const Hit = t.type({ k: t.string, ts: t.number });
  const hopping = L.pipeline("hopping", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("hits", Hit, { key: "k" }),
      L.withTimestamps((e) => e.field("ts")),
      L.keyBy("k"),
      L.window(L.sliding("2s", "5s")),
      L.combine({ n: L.count() }),
      sink("out"),
    ),
  );
  const hits = [0, 1_999, 3_000, 5_000, 8_000, 10_500, 11_000].map((ts) => ({ k: "a", ts }));
  const expected = [
    { k: "a", windowStart: 0, windowEnd: 2_000, n: 2 },
    { k: "a", windowStart: 5_000, windowEnd: 7_000, n: 1 },
    { k: "a", windowStart: 10_000, windowEnd: 12_000, n: 2 },
  ];

  it("counts only the elements inside a window, on direct and arquero", async () => {
    const direct = await runDirect(hopping, { inputs: { hits } });
    expect(direct.outputs.out).toEqual(expected);
    expect(direct.late).toEqual([]);
    expect(direct.deadLetters).toEqual([]);
    expect((await runArquero(hopping, { inputs: { hits }, log: () => {} })).outputs.out).toEqual(expected);
  });

  it("the DSL normalises offsets as Beam does", () => {
    expect(L.fixed("10s", "12s")).toEqual(L.fixed("10s", "2s"));
    expect(L.sliding("30s", "5s", "7s")).toEqual(L.sliding("30s", "5s", "2s"));
  });
});
