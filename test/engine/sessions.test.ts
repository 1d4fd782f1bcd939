/**
 * Session merging and retraction (docs/semantics.md §7, §9 "session merges", §11):
 * when sessions merge into new bounds, every old session that had been emitted
 * gets an empty pane, so the final view never keeps a stale session.
 */
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { countPipeline, drive, Ev, evs } from "./keyed-harness.ts";
import type { SeenPane } from "./keyed-harness.ts";

/** `[start, end, n]` per pane; a retraction has `n` null. */
const bounds = (ps: readonly SeenPane[]): unknown[][] => ps.map((p) => [p.key[1], p.key[2], p.rows.length === 0 ? null : (p.rows[0] as { n: number }).n]);

const sessions = countPipeline(L.session(10), { allowedLateness: 100 });

describe("session merges", () => {
  it("a late-but-allowed element bridging two emitted sessions retracts both and emits the merged one", async () => {
    // [0,10) fires at clock 15, [15,25) at clock 40. ts 7 (clock 40 < 7 + 10 + 100) makes [7,17),
    // which overlaps both: the session becomes [0,25), already past the clock, so it fires at once.
    const d = await drive(sessions, { ev: evs("a", [0, 15, 40, 7]) });
    expect(bounds(d.panes.out!)).toEqual([
      [0, 10, 1],
      [15, 25, 1],
      [0, 10, null],
      [15, 25, null],
      [0, 25, 3],
      [40, 50, 1],
    ]);
    expect(d.metrics["ev.combine"]!.panes).toBe(4);
    expect(d.late).toEqual([]);
    const expected = [
      { k: "a", windowStart: 0, windowEnd: 25, n: 3, ids: [1, 4, 2] },
      { k: "a", windowStart: 40, windowEnd: 50, n: 1, ids: [3] },
    ];
    expect(d.outputs.out).toEqual(expected);
    expect((await runDirect(sessions, { inputs: { ev: evs("a", [0, 15, 40, 7]) } })).outputs.out).toEqual(expected);
  });

  it("a session that grows after its pane retracts the old bounds", async () => {
    // [0,10) fires at clock 30; ts 5 stretches it to [0,15), which is past the clock and fires at once.
    const d = await drive(sessions, { ev: evs("a", [0, 30, 5]) });
    expect(bounds(d.panes.out!)).toEqual([
      [0, 10, 1],
      [0, 10, null],
      [0, 15, 2],
      [30, 40, 1],
    ]);
    expect(d.outputs.out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 15, n: 2, ids: [1, 3] },
      { k: "a", windowStart: 30, windowEnd: 40, n: 1, ids: [2] },
    ]);
  });

  it("an element inside an emitted session keeps its bounds: a late pane, no retraction", async () => {
    // [0,10)+[5,15) → [0,15), fires at clock 20; ts 3 makes [3,13) ⊂ [0,15).
    const d = await drive(sessions, { ev: evs("a", [0, 5, 20, 3]) });
    expect(bounds(d.panes.out!)).toEqual([
      [0, 15, 2],
      [0, 15, 3],
      [20, 30, 1],
    ]);
  });

  it("merges accumulators of every aggregate across a bridge", async () => {
    const p = L.pipeline("s", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.window(L.session(10), { allowedLateness: 100 }),
        L.combine({ sum: L.sum("x"), min: L.min("x"), first: L.first("x"), last: L.last("x"), top: L.topK("x", 2), distinct: L.countDistinct("x") }),
        sink("out"),
      ),
    );
    const ev = [
      { k: "a", ts: 0, x: 4 },
      { k: "a", ts: 15, x: 9 },
      { k: "a", ts: 40, x: 1 },
      { k: "a", ts: 7, x: 4 },
    ];
    const r = await runDirect(p, { inputs: { ev } });
    expect(r.outputs.out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 25, sum: 17, min: 4, first: 4, last: 9, top: [9, 4], distinct: 2 },
      { k: "a", windowStart: 40, windowEnd: 50, sum: 1, min: 1, first: 1, last: 1, top: [1], distinct: 1 },
    ]);
  });
});
