import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { runDirect } from "../../runners/direct/index.ts";
import windowCount from "../../examples/window-count.ts";
import { accounting, repo, runOn } from "./helpers.ts";

// examples/window-count.ts: count per key and window; the source key is
// `key`, so each key has its own clock c = the largest ts seen so far for it
// (in arrival order, this element included). An element is late for window
// [s, e) when c ≥ e + lateness (§8); for sessions the window is the
// element's proto-window [t, t + gap). Default lateness: 0s.

const events = [
  /*  1 */ { key: "a", ts: 1000 },
  /*  2 */ { key: "a", ts: 1000 }, // duplicate: counted twice (no dedupe)
  /*  3 */ { key: "b", ts: 3000 },
  /*  4 */ { key: "a", ts: 12000 }, // a's clock → 12000
  /*  5 */ { key: "a", ts: 9000 }, // out of order, c = 12000
  /*  6 */ { key: "b", ts: 25000 }, // b's clock → 25000
  /*  7 */ { key: "a", ts: 10000 }, // c = 12000
  /*  8 */ { key: "b", ts: 2000 }, // c = 25000
  /*  9 */ { key: "a", ts: 31000 }, // a's clock → 31000
  /* 10 */ { key: "a", ts: 29000 }, // c = 31000
  /* 11 */ { key: "c" }, // dead letter: no ts
  /* 12 */ { key: "a", ts: 20000 }, // c = 31000
];

type Row = { key: string; windowStart: number | null; windowEnd: number | null; count: number };
const row = (key: string, windowStart: number | null, windowEnd: number | null, count: number): Row => ({ key, windowStart, windowEnd, count });
/** The late side output as (offset, window) triples, sorted numerically. */
const lateOf = (late: readonly { offset: number; windowStart: number | null; windowEnd: number | null }[]) =>
  late.map((l) => [l.offset, l.windowStart ?? 0, l.windowEnd ?? 0]).sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);

describe("window-count on a small hand-worked input, in each window kind", () => {
  it("global: one window per key, never late; rows carry null window bounds", async () => {
    const r = await runOn(windowCount, { events }, { window: "global" });
    // a: 1, 2, 4, 5, 7, 9, 10, 12; b: 3, 6, 8.
    expect(canonicalJson(r.outputs.counts)).toBe(canonicalJson([row("a", null, null, 8), row("b", null, null, 3)]));
    expect(r.late).toEqual([]);
  });

  it("fixed:10s (the default)", async () => {
    const r = await runOn(windowCount, { events });
    // 5 (9000; c 12000 ≥ 10000), 8 (2000; c 25000 ≥ 10000), 10 (29000; c 31000 ≥ 30000) and
    // 12 (20000; c 31000 ≥ 30000) are late. Nothing of a's is left in [20000, 30000).
    expect(canonicalJson(r.outputs.counts)).toBe(
      canonicalJson([
        row("a", 0, 10000, 2), // 1, 2
        row("a", 10000, 20000, 2), // 4, 7
        row("a", 30000, 40000, 1), // 9
        row("b", 0, 10000, 1), // 3
        row("b", 20000, 30000, 1), // 6
      ]),
    );
    expect(lateOf(r.late)).toEqual([
      [5, 0, 10000],
      [8, 0, 10000],
      [10, 20000, 30000],
      [12, 20000, 30000],
    ]);
    expect(r.late.find((l) => l.offset === 5)).toMatchObject({ source: "events", eventTime: 9000, clock: 12000, value: { key: "a", ts: 9000 } });
  });

  it("fixed:10s with lateness 5s: late only when c ≥ end + 5000", async () => {
    const r = await runOn(windowCount, { events }, { window: "fixed:10s", lateness: "5s" });
    // 5: 12000 < 15000 counts; 10 and 12: 31000 < 35000 count; 8: 25000 ≥ 15000 still late.
    expect(canonicalJson(r.outputs.counts)).toBe(
      canonicalJson([
        row("a", 0, 10000, 3), // 1, 2, 5
        row("a", 10000, 20000, 2), // 4, 7
        row("a", 20000, 30000, 2), // 10, 12
        row("a", 30000, 40000, 1), // 9
        row("b", 0, 10000, 1), // 3
        row("b", 20000, 30000, 1), // 6
      ]),
    );
    expect(lateOf(r.late)).toEqual([[8, 0, 10000]]);
  });

  it("sliding:20s/10s: each element in two windows, late for each on its own", async () => {
    const r = await runOn(windowCount, { events }, { window: "sliding:20s/10s" });
    // Windows [s, s + 20000) for s ≡ 0 (mod 10000) with s ≤ t < s + 20000.
    // 5 (9000, c 12000): late for [-10000, 10000), counts in [0, 20000).
    // 10 (29000, c 31000) and 12 (20000, c 31000): late for [10000, 30000), count in [20000, 40000).
    // 8 (2000, c 25000): late for both [-10000, 10000) and [0, 20000).
    expect(canonicalJson(r.outputs.counts)).toBe(
      canonicalJson([
        row("a", -10000, 10000, 2), // 1, 2
        row("a", 0, 20000, 5), // 1, 2, 4, 5, 7
        row("a", 10000, 30000, 2), // 4, 7
        row("a", 20000, 40000, 3), // 9, 10, 12
        row("a", 30000, 50000, 1), // 9
        row("b", -10000, 10000, 1), // 3
        row("b", 0, 20000, 1), // 3
        row("b", 10000, 30000, 1), // 6
        row("b", 20000, 40000, 1), // 6
      ]),
    );
    expect(lateOf(r.late)).toEqual([
      [5, -10000, 10000],
      [8, -10000, 10000],
      [8, 0, 20000],
      [10, 10000, 30000],
      [12, 10000, 30000],
    ]);
  });

  it("session:10s: overlapping sessions merge, touching ones do not, an earlier pane is retracted", async () => {
    const r = await runOn(windowCount, { events }, { window: "session:10s" });
    // a: [1000, 11000) (1, 2) fires when a's clock reaches 12000 (4: [12000, 22000), not
    // touching); then 5's [9000, 19000) bridges them → [1000, 22000), retracting [1000, 11000);
    // 7 falls inside. 9: [31000, 41000); 10 (c 31000 < 39000): [29000, 39000) merges → [29000, 41000).
    // 12: [20000, 30000) is late (31000 ≥ 30000) — it would have merged everything.
    // b: 3 → [3000, 13000); 6 → [25000, 35000); 8: [2000, 12000) late (25000 ≥ 12000).
    expect(canonicalJson(r.outputs.counts)).toBe(
      canonicalJson([
        row("a", 1000, 22000, 5), // 1, 2, 4, 5, 7
        row("a", 29000, 41000, 2), // 9, 10
        row("b", 3000, 13000, 1),
        row("b", 25000, 35000, 1),
      ]),
    );
    expect(lateOf(r.late)).toEqual([
      [8, 2000, 12000],
      [12, 20000, 30000],
    ]);
  });

  it("accounts for every record in every window kind", async () => {
    for (const window of ["global", "fixed:10s", "sliding:20s/10s", "session:10s"]) {
      const r = await runOn(windowCount, { events }, { window });
      expect(accounting(r, "events"), window).toEqual({ read: 12, accepted: 11, dead: 1 });
      expect(
        r.deadLetters.map((d) => [d.offset, d.reason]),
        window,
      ).toEqual([[11, 'missing field "ts"']]);
    }
  });
});

describe("window-count on the bundled sample data", () => {
  it("runs in every window kind, with its 1 deliberate malformed event as a dead letter", async () => {
    for (const window of ["global", "fixed:10s", "sliding:30s/5s", "session:10m"]) {
      const r = await runDirect(windowCount, { inputs: { events: repo("examples/data/window-events.jsonl") }, params: { window } });
      expect(accounting(r, "events"), window).toEqual({ read: 129, accepted: 128, dead: 1 });
      expect(r.deadLetters[0], window).toMatchObject({ offset: 31, value: { key: "a", ts: "soon" } });
      // Every accepted element is counted in some window or reported late for it.
      const counted = (r.outputs.counts as Row[]).reduce((n, x) => n + x.count, 0);
      if (window === "global" || window === "fixed:10s" || window === "session:10m") {
        expect(counted + r.late.length, window).toBe(128);
      }
    }
  });
});
