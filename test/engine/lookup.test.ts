/**
 * lookup on the DirectRunner (docs/semantics.md §10): point in time — the
 * version with the greatest validFrom ≤ the element's event time; none →
 * null; ties in validFrom broken by canonical JSON (last wins); table
 * versions in any order.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { deadAt, run } from "./direct-harness.ts";

const Item = t.intersection([t.type({ itemId: t.string, category: t.string, updatedAt: t.number }), t.partial({ extra: t.string })]);
const Ev = t.type({ id: t.number, itemId: t.string, ts: t.number });

const p = L.pipeline("lookup", { version: 1 }, ({ source, table, sink }) =>
  L.pipe(
    source("ev", Ev),
    L.withTimestamps((e) => e.field("ts")),
    L.lookup(table("items", Item, { key: "itemId", validFrom: "updatedAt" }), { on: "itemId", take: { cat: "category", extra: "extra" } }),
    sink("out"),
  ),
);

// Versions out of time order; two share validFrom 30 (Z sorts after Y as canonical JSON, so Z wins).
const Y = { itemId: "i1", category: "Y", updatedAt: 30 };
const Z = { itemId: "i1", category: "Z", updatedAt: 30 };
const versions = [
  { itemId: "i1", category: "B", updatedAt: 20 },
  { itemId: "i1", category: "A", updatedAt: 10, extra: "e" },
  Z,
  { itemId: "i2", category: "C", updatedAt: 5 },
  Y,
];

const events = [
  { id: 1, itemId: "i1", ts: 9 }, // before every version of i1 → null
  { id: 2, itemId: "i1", ts: 10 }, // validFrom ≤ t is inclusive → A (with extra)
  { id: 3, itemId: "i1", ts: 25 }, // → B
  { id: 4, itemId: "i1", ts: 30 }, // tie at 30 → Z
  { id: 5, itemId: "i1", ts: 1000 }, // → Z
  { id: 6, itemId: "i3", ts: 50 }, // no such key → null
  { id: 7, itemId: "i2", ts: 4 }, // → null
  { id: 8, itemId: "i2", ts: 5 }, // → C
];

// Sorted by canonical JSON: "cat" values "A" < "B" < "C" < "Z" < null, then id.
const expected = [
  { id: 2, itemId: "i1", ts: 10, cat: "A", extra: "e" },
  { id: 3, itemId: "i1", ts: 25, cat: "B", extra: null },
  { id: 8, itemId: "i2", ts: 5, cat: "C", extra: null },
  { id: 4, itemId: "i1", ts: 30, cat: "Z", extra: null },
  { id: 5, itemId: "i1", ts: 1000, cat: "Z", extra: null },
  { id: 1, itemId: "i1", ts: 9, cat: null, extra: null },
  { id: 6, itemId: "i3", ts: 50, cat: null, extra: null },
  { id: 7, itemId: "i2", ts: 4, cat: null, extra: null },
];

describe("lookup", () => {
  it("takes the version with the greatest validFrom ≤ event time; none → null; a missing field → null", async () => {
    const r = await run(p, { ev: events, items: versions });
    expect(r.outputs.out).toEqual(expected);
    expect(r.deadLetters).toEqual([]);
    expect(r.metrics["ev-items.lookup"]).toMatchObject({ in: 8, out: 8 });
  });

  it("does not depend on the order of table versions (ties included) or on duplicated versions", async () => {
    const reordered = [Y, versions[3]!, Z, versions[1]!, Z, versions[0]!];
    const r = await run(p, { ev: events, items: reordered });
    expect(r.outputs.out).toEqual(expected);
    const reversed = await run(p, { ev: events, items: [...versions].reverse() });
    expect(reversed.outputs.out).toEqual(expected);
  });

  it("a table row that does not decode (validFrom not a number) is a dead letter of the table", async () => {
    const r = await run(p, {
      ev: [{ id: 1, itemId: "i1", ts: 10 }],
      items: [
        { itemId: "i1", category: "A", updatedAt: "soon" },
        { itemId: "i1", category: "B", updatedAt: 0 },
      ],
    });
    expect(r.outputs.out).toEqual([{ id: 1, itemId: "i1", ts: 10, cat: "B", extra: null }]);
    expect(deadAt(r)).toEqual([["items", 1, "items"]]);
    expect(r.metrics.items).toMatchObject({ in: 2, out: 1, deadLetters: 1 });
  });

  it("a decoded row whose validFrom is not a finite number is a dead letter of the table, reported once", async () => {
    const Loose = t.type({ itemId: t.string, category: t.string, updatedAt: t.union([t.number, t.null]) });
    const q = L.pipeline("lookup-loose", { version: 1 }, ({ source, table, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.withTimestamps((e) => e.field("ts")),
        L.lookup(table("items", Loose, { key: "itemId", validFrom: "updatedAt" }), { on: "itemId", take: { cat: "category" } }),
        sink("out"),
      ),
    );
    const r = await run(q, {
      ev: [{ id: 1, itemId: "i1", ts: 10 }],
      items: [
        { itemId: "i1", category: "A", updatedAt: null },
        { itemId: "i1", category: "B", updatedAt: 0 },
      ],
    });
    expect(r.outputs.out).toEqual([{ id: 1, itemId: "i1", ts: 10, cat: "B" }]);
    expect(deadAt(r)).toEqual([["items", 1, "items"]]);
    expect(r.deadLetters[0]!.reason).toMatch(/updatedAt is null, not a finite number/);
    expect(r.metrics.items).toMatchObject({ in: 2, out: 1, deadLetters: 1 });
  });
});
