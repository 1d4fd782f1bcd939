/**
 * Triggers and panes (docs/semantics.md §9): on-time, early every N, late
 * panes, and the final view being the last pane (§11).
 */
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import type { WindowOptions } from "../../dsl/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import type { WindowFn } from "../../src/window/types.ts";
import { countPipeline, drive, Ev, evs, lateFacts, paneCounts } from "./keyed-harness.ts";

const panesOf = async (fn: WindowFn, opts: WindowOptions, times: number[]) => {
  const d = await drive(countPipeline(fn, opts), { ev: evs("a", times) });
  return { ...d, seen: paneCounts(d.panes.out ?? []), panes: d.metrics["ev.combine"]!.panes };
};

describe("panes", () => {
  it("on time: one pane when the key's clock first reaches the window end, the rest at end of input", async () => {
    // [0,10) fires when ts 12 arrives (clock 12 ≥ 10); [10,20) only at end of input.
    const d = await panesOf(L.fixed(10), {}, [1, 5, 12]);
    expect(d.seen).toEqual([
      [0, 2],
      [10, 1],
    ]);
    expect(d.panes).toBe(2);
  });

  it("early every N: a pane after every N elements before the on-time pane", async () => {
    // [0,10): 2 → pane, 4 → pane, 5th element then on time at ts 12; [10,20) has 1 < 2 elements until the end.
    const d = await panesOf(L.fixed(10), { trigger: { early: { every: 2 } } }, [1, 2, 3, 4, 5, 12]);
    expect(d.seen).toEqual([
      [0, 2],
      [0, 4],
      [0, 5],
      [10, 1],
    ]);
    expect(d.panes).toBe(4);
    expect(d.outputs.out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 10, n: 5, ids: [1, 2, 3, 4, 5] },
      { k: "a", windowStart: 10, windowEnd: 20, n: 1, ids: [6] },
    ]);
  });

  it("early panes on a global window, then the final pane at end of input", async () => {
    const d = await panesOf(L.global(), { trigger: { early: { every: 2 } } }, [5, 1, 3]);
    expect(d.seen).toEqual([
      [null, 2],
      [null, 3],
    ]);
    expect(d.outputs.out).toEqual([{ k: "a", windowStart: null, windowEnd: null, n: 3, ids: [2, 3, 1] }]);
  });

  // fixed 10, lateness 10: ts 12 fires [0,10) on time; ts 3 and 5 (clock 12 < 20) are late-but-allowed;
  // ts 25 fires [10,20) and passes [0,10)'s end + lateness; ts 7 (clock 25 ≥ 20) is dropped.
  const lateInput = [1, 12, 3, 5, 25, 7];
  const lateFinal = [
    { k: "a", windowStart: 0, windowEnd: 10, n: 3, ids: [1, 3, 4] },
    { k: "a", windowStart: 10, windowEnd: 20, n: 1, ids: [2] },
    { k: "a", windowStart: 20, windowEnd: 30, n: 1, ids: [5] },
  ];

  it("late panes: one per late-but-allowed element after the on-time pane", async () => {
    const d = await panesOf(L.fixed(10), { allowedLateness: 10 }, lateInput);
    expect(d.seen).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [10, 1],
      [20, 1],
    ]);
    expect(d.panes).toBe(5);
    expect(d.outputs.out).toEqual(lateFinal);
    expect(lateFacts(d.late)).toEqual([
      { stage: "ev.combine", source: "ev", offset: 6, value: { k: "a", ts: 7, id: 6 }, eventTime: 7, clock: 25, windowStart: 0, windowEnd: 10 },
    ]);
  });

  it("late: false holds late-but-allowed elements back to one last pane; the final view is the same", async () => {
    // The last pane of [0,10) comes when its state is dropped (clock 25 ≥ 10 + 10), before [10,20)'s on-time pane.
    const d = await panesOf(L.fixed(10), { allowedLateness: 10, trigger: { late: false } }, lateInput);
    expect(d.seen).toEqual([
      [0, 1],
      [0, 3],
      [10, 1],
      [20, 1],
    ]);
    expect(d.panes).toBe(4);
    expect(d.outputs.out).toEqual(lateFinal);
  });

  it("a map after the combine sees every pane; the final view is its last pane", async () => {
    const p = L.pipeline("mapped", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.window(L.fixed(10), { trigger: { early: { every: 2 } } }),
        L.combine({ n: L.count() }),
        L.map((e) => ({ k: e.field("k"), from: e.field("windowStart"), twice: e.field("n").mul(2) })),
        sink("out"),
      ),
    );
    const d = await drive(p, { ev: evs("a", [1, 2, 3, 4, 5, 12]) });
    expect(d.panes.out!.map((x) => x.rows)).toEqual([
      [{ k: "a", from: 0, twice: 4 }],
      [{ k: "a", from: 0, twice: 8 }],
      [{ k: "a", from: 0, twice: 10 }],
      [{ k: "a", from: 10, twice: 2 }],
    ]);
    expect(d.metrics["ev.map"]).toMatchObject({ in: 4, out: 4 });
    const r = await runDirect(p, { inputs: { ev: evs("a", [1, 2, 3, 4, 5, 12]) } });
    expect(r.outputs.out).toEqual([
      { k: "a", from: 0, twice: 10 },
      { k: "a", from: 10, twice: 2 },
    ]);
    expect(r.metrics["ev.combine"]!.panes).toBe(4);
  });
});
