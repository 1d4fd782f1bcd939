/**
 * `join` (docs/semantics.md §10): pairs per key and window, left joins with a
 * null right, row order within a pane, and lateness judged per side.
 */
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import type { Duration } from "../../dsl/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { drive, Ev, lateFacts } from "./keyed-harness.ts";

const joined = (kind: "inner" | "left", lateness: [Duration, Duration] = [100, 100]) =>
  L.pipeline("j", { version: 1 }, ({ source, sink }) => {
    const side = (name: string, allowedLateness: Duration) =>
      L.pipe(
        source(name, Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.window(L.fixed(10), { allowedLateness }),
      );
    return L.pipe(side("l", lateness[0]), L.join(side("r", lateness[1]), { kind }), sink("out"));
  });

// Round robin: l1 r1 l2 r2 l3 r3. Key a: [0,10) has left 1 and rights 10, 11; [10,20) only left 2.
// Key b: [0,10) only left 3; [10,20) only right 12.
const left = [
  { k: "a", ts: 1, id: 1 },
  { k: "a", ts: 12, id: 2 },
  { k: "b", ts: 3, id: 3 },
];
const right = [
  { k: "a", ts: 5, id: 10 },
  { k: "a", ts: 2, id: 11 },
  { k: "b", ts: 15, id: 12 },
];

describe("join", () => {
  it("inner: every (left, right) pair per key and window", async () => {
    const r = await runDirect(joined("inner"), { inputs: { l: left, r: right } });
    // Within one output key the final view sorts rows by canonical JSON: right id 10 before 11.
    expect(r.outputs.out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 10, left: left[0], right: right[0] },
      { k: "a", windowStart: 0, windowEnd: 10, left: left[0], right: right[1] },
    ]);
  });

  it("left: also each left element with a null right when its window has no right element", async () => {
    const r = await runDirect(joined("left"), { inputs: { l: left, r: right } });
    expect(r.outputs.out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 10, left: left[0], right: right[0] },
      { k: "a", windowStart: 0, windowEnd: 10, left: left[0], right: right[1] },
      { k: "a", windowStart: 10, windowEnd: 20, left: left[1], right: null },
      { k: "b", windowStart: 0, windowEnd: 10, left: left[2], right: null },
    ]);
  });

  it("orders a pane's rows by (left time, left JSON, right time, right JSON)", async () => {
    const l = [
      { k: "a", ts: 4, id: 2 },
      { k: "a", ts: 1, id: 1 },
      { k: "a", ts: 4, id: 0 },
    ];
    const r = [
      { k: "a", ts: 3, id: 5 },
      { k: "a", ts: 3, id: 4 },
    ];
    const d = await drive(joined("inner"), { l, r });
    // Clocks stay below 10: the only pane is the one at end of input.
    expect(d.panes.out!.length).toBe(1);
    const pairs = d.panes.out![0]!.rows.map((row) => {
      const x = row as { left: { id: number }; right: { id: number } };
      return [x.left.id, x.right.id];
    });
    expect(pairs).toEqual([
      [1, 4],
      [1, 5],
      [0, 4],
      [0, 5],
      [2, 4],
      [2, 5],
    ]);
  });

  it("judges each side with its own window stage's allowed lateness", async () => {
    // Left lateness 0, right 20. Arrival: l(5) r(15) l(15) r(7) l(6).
    // Right ts 7 has clock 15 < 10 + 20: counts. Left ts 6 has clock 15 ≥ 10 + 0: late.
    const l = [
      { k: "a", ts: 5, id: 1 },
      { k: "a", ts: 15, id: 2 },
      { k: "a", ts: 6, id: 5 },
    ];
    const r = [
      { k: "a", ts: 15, id: 3 },
      { k: "a", ts: 7, id: 4 },
    ];
    const res = await runDirect(joined("inner", [0, 20]), { inputs: { l, r } });
    expect(res.outputs.out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 10, left: l[0], right: r[1] },
      { k: "a", windowStart: 10, windowEnd: 20, left: l[1], right: r[0] },
    ]);
    expect(lateFacts(res.late)).toEqual([{ stage: "l-r.join", source: "l", offset: 3, value: l[2], eventTime: 6, clock: 15, windowStart: 0, windowEnd: 10 }]);
  });

  it("a window with only right elements gives no rows, inner or left", async () => {
    const r = await runDirect(joined("left"), { inputs: { l: [{ k: "a", ts: 1, id: 1 }], r: [{ k: "b", ts: 1, id: 2 }] } });
    expect(r.outputs.out).toEqual([{ k: "a", windowStart: 0, windowEnd: 10, left: { k: "a", ts: 1, id: 1 }, right: null }]);
  });
});
