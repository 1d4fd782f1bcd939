/**
 * withTimestamps on the DirectRunner (docs/semantics.md §3): event time, dead
 * letters for non-finite times, and one clock per source key. Clocks are
 * observed through the lateness rule of a downstream window (§8), whose late
 * side output reports each late element's clock.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { deadAt, lateAt, run } from "./direct-harness.ts";

describe("withTimestamps", () => {
  it("keeps one clock per source key, judged per element, not advanced by filtered or dead-lettered elements", async () => {
    const Ev = t.intersection([t.type({ k: t.string, g: t.string, ts: t.union([t.number, t.null]) }), t.partial({ drop: t.boolean })]);
    const p = L.pipeline("clocks", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.filter((e) => e.field("drop").isNull()),
        L.withTimestamps((e) => e.field("ts")),
        // One stage key for everything: lateness still uses each element's own source-key clock.
        L.keyBy("g"),
        L.window(L.fixed(10)),
        L.combine({ n: L.count() }),
        sink("out"),
      ),
    );
    const r = await run(p, {
      ev: [
        { k: "a", g: "x", ts: 25 }, // clock a = 25
        { k: "b", g: "x", ts: 3 }, // clock b = 3: on time although a's clock is 25
        { k: "a", g: "x", ts: 5 }, // clock a = 25 ≥ 10: late for [0, 10)
        { k: "b", g: "x", ts: 100, drop: true }, // filtered before withTimestamps: b's clock stays 3
        { k: "b", g: "x", ts: 9 }, // clock b = 9: on time
        { k: "a", g: "x", ts: null }, // dead letter; a's clock unchanged
        { k: "b", g: "x", ts: 12 }, // clock b = 12
        { k: "b", g: "x", ts: 8 }, // clock b = 12 ≥ 10: late for [0, 10)
      ],
    });
    expect(r.outputs.out).toEqual([
      { g: "x", windowStart: 0, windowEnd: 10, n: 2 },
      { g: "x", windowStart: 10, windowEnd: 20, n: 1 },
      { g: "x", windowStart: 20, windowEnd: 30, n: 1 },
    ]);
    expect(lateAt(r)).toEqual([
      ["ev", 3, 5, 25],
      ["ev", 8, 8, 12],
    ]);
    expect(deadAt(r)).toEqual([["ev", 6, "ev.withTimestamps"]]);
    expect(r.deadLetters[0]!.reason).toMatch(/null.*not a finite number/);
    expect(r.metrics["ev.withTimestamps"]).toMatchObject({ in: 7, out: 6, deadLetters: 1 });
  });

  it("a source without key has one clock", async () => {
    const Ev = t.type({ k: t.string, ts: t.number });
    const p = L.pipeline("one-clock", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.window(L.fixed(10)),
        L.combine({ n: L.count() }),
        sink("out"),
      ),
    );
    const r = await run(p, {
      ev: [
        { k: "a", ts: 25 },
        { k: "b", ts: 5 },
      ],
    });
    expect(r.outputs.out).toEqual([{ k: "a", windowStart: 20, windowEnd: 30, n: 1 }]);
    expect(lateAt(r)).toEqual([["ev", 2, 5, 25]]);
  });

  it("accepts negative times; a non-finite result (division by zero → null) is a dead letter", async () => {
    const Ev = t.type({ k: t.string, ts: t.number, scale: t.number });
    const p = L.pipeline("computed-time", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts").div(e.field("scale"))),
        L.keyBy("k"),
        L.window(L.fixed(10)),
        L.combine({ n: L.count() }),
        sink("out"),
      ),
    );
    const r = await run(p, {
      ev: [
        { k: "a", ts: -50, scale: 10 }, // t = -5 → [-10, 0)
        { k: "a", ts: 70, scale: 0 }, // 70 / 0 → null → dead letter
        { k: "a", ts: 30, scale: 10 }, // t = 3 → [0, 10)
      ],
    });
    expect(r.outputs.out).toEqual([
      { k: "a", windowStart: -10, windowEnd: 0, n: 1 },
      { k: "a", windowStart: 0, windowEnd: 10, n: 1 },
    ]);
    expect(deadAt(r)).toEqual([["ev", 2, "ev.withTimestamps"]]);
    expect(r.late).toEqual([]);
  });
});
