/**
 * sequence on the DirectRunner (docs/semantics.md §10): per key the latest N
 * entries, newest first, ties by id ascending (value order), one entry per id
 * chosen by content, ttl, and a result that depends only on the set of
 * elements (checked by hand here and by a property in sequence.property.test.ts).
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { run } from "./direct-harness.ts";

const Ev = t.type({ u: t.string, id: t.union([t.string, t.number]), ts: t.number, p: t.number });
type Ev = t.TypeOf<typeof Ev>;

const def = (latest: number, ttl?: number) =>
  L.pipeline("seq", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("ev", Ev, { key: "u" }),
      L.withTimestamps((e) => e.field("ts")),
      L.keyBy("u"),
      L.sequence({ latest, id: "id", fields: ["id", "ts", "p"], as: "events", ...(ttl === undefined ? {} : { ttl }) }),
      sink("out"),
    ),
  );

const ev = (u: string, id: string | number, ts: number, p = 0): Ev => ({ u, id, ts, p });

describe("sequence", () => {
  it("keeps the latest N per key, newest first, ties by id ascending in value order", async () => {
    const input = [
      ev("a", "x", 5),
      ev("b", 1, 3),
      ev("a", "y", 7),
      ev("a", 2, 7),
      ev("b", 2, 1),
      ev("a", "10", 7),
      ev("a", "9", 7),
      ev("a", "z", 1), // older than the 3 kept: no change
    ];
    const r = await run(def(3), { ev: input });
    // At ts 7: numbers before strings, strings by code unit ("10" < "9" < "y"); "y" and "x" fall off.
    expect(r.outputs.out).toEqual([
      {
        u: "a",
        events: [
          { id: 2, ts: 7, p: 0 },
          { id: "10", ts: 7, p: 0 },
          { id: "9", ts: 7, p: 0 },
        ],
      },
      {
        u: "b",
        events: [
          { id: 1, ts: 3, p: 0 },
          { id: 2, ts: 1, p: 0 },
        ],
      },
    ]);
    // Updates are coalesced per key until a flush; a bounded run flushes once, at its end: one pane per key.
    expect(r.metrics["ev.sequence"]).toMatchObject({ in: 8, panes: 2, late: 0 });
  });

  it("keeps one entry per id: the greater event time, then the greater canonical JSON, whatever the arrival order", async () => {
    const input = [
      ev("a", 1, 5, 1),
      ev("a", 1, 5, 3),
      ev("a", 1, 5, 2),
      ev("a", 2, 4, 0),
      ev("a", 2, 8, 0),
      ev("a", 2, 6, 9),
      ev("a", 1, 5, 3), // an exact duplicate
    ];
    // id 1: all at ts 5, {"id":1,"p":3,…} is the greatest canonical JSON; id 2: ts 8 wins.
    const expected = [
      {
        u: "a",
        events: [
          { id: 2, ts: 8, p: 0 },
          { id: 1, ts: 5, p: 3 },
        ],
      },
    ];
    const r = await run(def(3), { ev: input });
    expect(r.outputs.out).toEqual(expected);
    // Losers in this order: (1,5,p2), (2,6), the exact duplicate.
    expect(r.metrics["ev.sequence"]).toMatchObject({ duplicates: 3 });
    expect((await run(def(3), { ev: [...input].reverse() })).outputs.out).toEqual(expected);
  });

  it("a newer version of an id that had fallen out of the top N comes back", async () => {
    const input = [ev("a", "p", 10), ev("a", "q", 20), ev("a", "p", 30)];
    const r = await run(def(1), { ev: input });
    expect(r.outputs.out).toEqual([{ u: "a", events: [{ id: "p", ts: 30, p: 0 }] }]);
  });

  it("with a ttl, drops entries older than the key's newest time minus ttl and counts arrivals that old as expired", async () => {
    const input = [
      ev("a", "a", 100), // newest 100
      ev("a", "b", 95), // 95 ≥ 90: kept
      ev("a", "c", 89), // 89 < 90: expired
      ev("a", "d", 90), // 90 ≥ 90: kept
      ev("a", "e", 104), // newest 104: d (90 < 94) expires, b (95) stays
      ev("a", "f", 93), // 93 < 94: expired
    ];
    const r = await run(def(5, 10), { ev: input });
    expect(r.outputs.out).toEqual([
      {
        u: "a",
        events: [
          { id: "e", ts: 104, p: 0 },
          { id: "a", ts: 100, p: 0 },
          { id: "b", ts: 95, p: 0 },
        ],
      },
    ]);
    // Counted as expired, not reported as late: arriving before or after newer elements is not the same on every runner.
    expect(r.late).toEqual([]);
    expect(r.metrics["ev.sequence"]).toMatchObject({ in: 6, late: 0, expired: 2 });
  });
});
