/**
 * The lateness rule (docs/semantics.md §8): `late(e, w) ⇔ e.c ≥ w.end + allowedLateness`,
 * with `c` the element's own source-key clock.
 */
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { countPipeline, Ev, evs, lateFacts } from "./keyed-harness.ts";

describe("lateness is judged on the element's own source-key clock", () => {
  it("an old element of another source key is not late; an old one of the same source key is", async () => {
    // Source key d, stage key k. A's clock jumps to 100; B's clock is 5 when its ts-5 element arrives.
    const events = [
      { d: "A", k: "u", ts: 100, id: 1 },
      { d: "B", k: "u", ts: 5, id: 2 },
      { d: "A", k: "u", ts: 6, id: 3 },
    ];
    const r = await runDirect(countPipeline(L.fixed(10), {}, "device-to-k"), { inputs: { ev: events } });
    expect(r.outputs.out).toEqual([
      { k: "u", windowStart: 0, windowEnd: 10, n: 1, ids: [2] },
      { k: "u", windowStart: 100, windowEnd: 110, n: 1, ids: [1] },
    ]);
    // A's clock is 100 ≥ 10 + 0 when id 3 (ts 6) arrives.
    expect(lateFacts(r.late)).toEqual([
      { stage: "ev.combine", source: "ev", offset: 3, value: events[2], eventTime: 6, clock: 100, windowStart: 0, windowEnd: 10 },
    ]);
    expect(r.late[0]!.reason).toMatch(/\[0, 10\).*100.*0/);
    expect(r.metrics["ev.combine"]!.late).toBe(1);
  });

  it("counts an element just inside the allowed lateness and drops one just outside", async () => {
    // fixed 10, lateness 5, clocks 14, 14, 15, 15. id 2 (ts 9): 14 < 10 + 5 counts; id 4 (ts 8): 15 ≥ 15 is late.
    const r = await runDirect(countPipeline(L.fixed(10), { allowedLateness: 5 }), { inputs: { ev: evs("a", [14, 9, 15, 8]) } });
    expect(r.outputs.out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 10, n: 1, ids: [2] },
      { k: "a", windowStart: 10, windowEnd: 20, n: 2, ids: [1, 3] },
    ]);
    expect(lateFacts(r.late)).toEqual([
      { stage: "ev.combine", source: "ev", offset: 4, value: { k: "a", ts: 8, id: 4 }, eventTime: 8, clock: 15, windowStart: 0, windowEnd: 10 },
    ]);
    expect(r.metrics["ev.combine"]).toMatchObject({ in: 4, late: 1 });
  });

  it("a sliding-window element can be late for one window and count in another", async () => {
    // size 10, period 5. id 2 (ts 7, clock 12): [0,10) ended (12 ≥ 10) but [5,15) has not (12 < 15).
    const r = await runDirect(countPipeline(L.sliding(10, 5)), { inputs: { ev: evs("a", [12, 7]) } });
    expect(r.outputs.out).toEqual([
      { k: "a", windowStart: 5, windowEnd: 15, n: 2, ids: [2, 1] },
      { k: "a", windowStart: 10, windowEnd: 20, n: 1, ids: [1] },
    ]);
    expect(lateFacts(r.late)).toEqual([
      { stage: "ev.combine", source: "ev", offset: 2, value: { k: "a", ts: 7, id: 2 }, eventTime: 7, clock: 12, windowStart: 0, windowEnd: 10 },
    ]);
  });

  it("judges a session element against its proto-window [t, t + gap) and reports that window", async () => {
    // gap 10, clock 30. id 2 (ts 25): 30 < 35 counts and merges; id 3 (ts 20): 30 ≥ 30 is late.
    const r = await runDirect(countPipeline(L.session(10)), { inputs: { ev: evs("a", [30, 25, 20]) } });
    expect(r.outputs.out).toEqual([{ k: "a", windowStart: 25, windowEnd: 40, n: 2, ids: [2, 1] }]);
    expect(lateFacts(r.late)).toEqual([
      { stage: "ev.combine", source: "ev", offset: 3, value: { k: "a", ts: 20, id: 3 }, eventTime: 20, clock: 30, windowStart: 20, windowEnd: 30 },
    ]);
  });

  it("a source without a key is one substream: one clock for all its records", async () => {
    const p = L.pipeline("unkeyed", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.window(L.fixed(10)),
        L.combine({ n: L.count() }),
        sink("out"),
      ),
    );
    // Key b's first element (ts 3) arrives after key a pushed the source clock to 20: late.
    const r = await runDirect(p, {
      inputs: {
        ev: [
          { k: "a", ts: 20 },
          { k: "b", ts: 3 },
        ],
      },
    });
    expect(r.outputs.out).toEqual([{ k: "a", windowStart: 20, windowEnd: 30, n: 1 }]);
    expect(lateFacts(r.late)).toEqual([
      { stage: "ev.combine", source: "ev", offset: 2, value: { k: "b", ts: 3 }, eventTime: 3, clock: 20, windowStart: 0, windowEnd: 10 },
    ]);
  });

  it("the implicit global window never drops anything", async () => {
    const p = L.pipeline("g", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.combine({ n: L.count() }),
        sink("out"),
      ),
    );
    const r = await runDirect(p, { inputs: { ev: evs("a", [1e9, -1e9, 0]) } });
    expect(r.outputs.out).toEqual([{ k: "a", n: 3 }]);
    expect(r.late).toEqual([]);
  });
});
