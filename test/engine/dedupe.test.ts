/**
 * dedupe on the DirectRunner (docs/semantics.md §10, §14): the first element
 * in arrival order wins; with a ttl an id is forgotten once an arriving
 * element's source clock is ttl past the first one's event time.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { run } from "./direct-harness.ts";

/** The `v` of every row that passed, ascending (the final view of unkeyed rows is a bag). */
const passed = (rows: unknown[] | undefined): number[] => rows!.map((e) => (e as { v: number }).v).sort((a, b) => a - b);

const Ev = t.intersection([t.type({ k: t.string, ts: t.number, v: t.number }), t.partial({ id: t.string })]);

describe("dedupe", () => {
  it("passes the first element per id in arrival order and counts the rest as duplicates", async () => {
    const p = L.pipeline("dedupe", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.dedupe("id"),
        sink("out"),
      ),
    );
    const r = await run(p, {
      ev: [
        { k: "s", id: "a", ts: 5, v: 1 },
        { k: "s", id: "b", ts: 1, v: 2 },
        { k: "s", id: "a", ts: 1, v: 3 }, // duplicate, although earlier in event time
        { k: "s", id: "c", ts: 2, v: 4 },
        { k: "s", id: "b", ts: 9, v: 5 }, // duplicate
        { k: "s", ts: 3, v: 6 }, // no id: the id is null
        { k: "s", ts: 4, v: 7 }, // null again: duplicate
      ],
    });
    expect(r.outputs.out).toEqual([
      { k: "s", id: "a", ts: 5, v: 1 },
      { k: "s", id: "b", ts: 1, v: 2 },
      { k: "s", id: "c", ts: 2, v: 4 },
      { k: "s", ts: 3, v: 6 },
    ]);
    expect(r.metrics["ev.dedupe"]).toMatchObject({ in: 7, out: 4, duplicates: 3 });
    expect(r.deadLetters).toEqual([]);
  });

  it("dedupes on several fields together", async () => {
    const p = L.pipeline("dedupe2", { version: 1 }, ({ source, sink }) => L.pipe(source("ev", Ev), L.dedupe(["id", "k"]), sink("out")));
    const r = await run(p, {
      ev: [
        { k: "s", id: "a", ts: 0, v: 1 },
        { k: "t", id: "a", ts: 0, v: 2 }, // other k: passes
        { k: "s", id: "a", ts: 0, v: 3 }, // duplicate of the first
      ],
    });
    expect(r.outputs.out).toEqual([
      { k: "s", id: "a", ts: 0, v: 1 },
      { k: "t", id: "a", ts: 0, v: 2 },
    ]);
  });

  it("with a ttl, forgets an id once the arriving element's source clock reaches its event time plus ttl", async () => {
    const p = L.pipeline("dedupe-ttl", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.dedupe("id", { ttl: 10 }),
        sink("out"),
      ),
    );
    const r = await run(p, {
      ev: [
        { k: "s", id: "a", ts: 0, v: 1 }, // passes; a remembered at 0
        { k: "s", id: "a", ts: 5, v: 2 }, // clock 5 < 10: duplicate
        { k: "s", id: "b", ts: 10, v: 3 }, // passes; clock 10
        { k: "s", id: "a", ts: 9, v: 4 }, // clock 10 ≥ 0 + 10: a forgotten, passes; a remembered at 9
        { k: "s", id: "a", ts: 15, v: 5 }, // clock 15 < 19: duplicate
        { k: "s", id: "a", ts: 19, v: 6 }, // clock 19 ≥ 19: passes
      ],
    });
    expect(passed(r.outputs.out)).toEqual([1, 3, 4, 6]);
    expect(r.metrics["ev.dedupe"]).toMatchObject({ in: 6, out: 4, duplicates: 2 });
  });

  it("judges the ttl on the arriving element's own source-key clock", async () => {
    const p = L.pipeline("dedupe-ttl-keys", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.dedupe("id", { ttl: 10 }),
        sink("out"),
      ),
    );
    const r = await run(p, {
      ev: [
        { k: "s", id: "a", ts: 0, v: 1 }, // passes
        { k: "s", id: "x", ts: 50, v: 2 }, // passes; clock s = 50
        { k: "t", id: "a", ts: 3, v: 3 }, // clock t = 3 < 10: duplicate, although s's clock is 50
        { k: "s", id: "a", ts: 4, v: 4 }, // clock s = 50 ≥ 10: passes
      ],
    });
    expect(passed(r.outputs.out)).toEqual([1, 2, 4]);
  });
});
