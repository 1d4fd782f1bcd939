/**
 * The final view (docs/semantics.md §11): the last pane per output key, even
 * when a later stateless stage filters its rows away.
 */
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { runArquero } from "../../runners/arquero/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { FinalView } from "../../src/engine/final-view.ts";
import { elem } from "../../src/engine/elem.ts";
import { drive, Ev, evs } from "./keyed-harness.ts";

/** Counts per window (lateness 100, so late panes fire), then keeps rows passing `keep(n)`. */
const filtered = (bound: number, op: "lt" | "neq") =>
  L.pipeline("fv", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("ev", Ev, { key: "k" }),
      L.withTimestamps((e) => e.field("ts")),
      L.keyBy("k"),
      L.window(L.fixed(10), { allowedLateness: 100 }),
      L.combine({ n: L.count() }),
      L.filter((e) => (op === "lt" ? e.field("n").lt(bound) : e.field("n").neq(bound))),
      sink("out"),
    ),
  );

// [0,10) panes: n 1 (on time, at ts 12), 2 (ts 2), 3 (ts 3); [10,20): n 1 at end of input.
const input = { ev: evs("a", [1, 12, 2, 3]) };

describe("final view", () => {
  it("a filter that removes the last pane's row removes the key", async () => {
    const r = await runDirect(filtered(3, "lt"), { inputs: input });
    expect(r.outputs.out).toEqual([{ k: "a", windowStart: 10, windowEnd: 20, n: 1 }]);
    // The earlier panes of [0,10) did reach the sink, and were replaced.
    const d = await drive(filtered(3, "lt"), input);
    expect(d.panes.out!.map((p) => [p.key[1], p.rows.length])).toEqual([
      [0, 1],
      [0, 1],
      [0, 0],
      [10, 1],
    ]);
  });

  it("a filter that removes an earlier pane's row but not the last keeps the last", async () => {
    expect((await runDirect(filtered(2, "neq"), { inputs: input })).outputs.out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 10, n: 3 },
      { k: "a", windowStart: 10, windowEnd: 20, n: 1 },
    ]);
    expect((await runDirect(filtered(4, "lt"), { inputs: input })).outputs.out).toEqual([
      { k: "a", windowStart: 0, windowEnd: 10, n: 3 },
      { k: "a", windowStart: 10, windowEnd: 20, n: 1 },
    ]);
  });

  it("two aggregates flattened into one sink keep their own panes, whatever the interleaving (choice)", async () => {
    const p = L.pipeline("two", { version: 1 }, ({ source, sink }) => {
      const counted = (name: string, agg: "clicks" | "views") =>
        L.pipe(
          source(name, Ev, { key: "k" }),
          L.withTimestamps((e) => e.field("ts")),
          L.keyBy("k"),
          L.window(L.fixed(10)),
          L.combine(agg === "clicks" ? { clicks: L.count() } : { views: L.count() }),
        );
      return L.pipe(L.flatten([counted("p", "clicks"), counted("q", "views")]), sink("out"));
    });
    // Same key and window in both: each combine's last pane stays; rows of one output key sort by
    // canonical JSON ({"clicks"…} < {"k"…}).
    const expected = [
      { k: "a", windowStart: 0, windowEnd: 10, clicks: 1 },
      { k: "a", windowStart: 0, windowEnd: 10, views: 2 },
      { k: "a", windowStart: 10, windowEnd: 20, clicks: 1 },
    ];
    const one = { p: evs("a", [1, 12]), q: evs("a", [2, 3]) };
    const other = { p: evs("a", [1, 12]), q: [{ k: "b", ts: 0 }, { k: "b", ts: 0 }, ...evs("a", [2, 3])] };
    expect((await runDirect(p, { inputs: one })).outputs.out).toEqual(expected);
    const r = (await runDirect(p, { inputs: other })).outputs.out!;
    expect(r.filter((row) => (row as { k: string }).k === "a")).toEqual(expected);
  });

  it("rows that passed no keyed aggregate are all kept, duplicates included, sorted by canonical JSON", async () => {
    const p = L.pipeline("bag", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.filter((e) => e.field("ts").gt(0)),
        sink("out"),
      ),
    );
    const ev = [
      { k: "b", ts: 1 },
      { k: "a", ts: 2 },
      { k: "z", ts: -1 },
      { k: "b", ts: 1 },
    ];
    expect((await runDirect(p, { inputs: { ev } })).outputs.out).toEqual([ev[1], ev[0], ev[0]]);
  });
});

describe("FinalView", () => {
  const origin = { source: "s", offset: 0 };
  const marker = (pk: string, pkv: unknown[]) => elem({ t: 0, c: 0, k: pk, kv: {}, pk, pkv, marker: true, origin });
  const row = (pk: string, pkv: unknown[], v: unknown) => elem({ v, t: 0, c: 0, k: pk, kv: {}, pk, pkv, origin });

  it("keeps the last pane per key, drops a key whose last pane is empty, sorts keys in value order", () => {
    const v = new FinalView();
    const a = [{ k: "a" }, 5, 10];
    const neg = [{ k: "a" }, -10, 0];
    const g = [{ k: "a" }, null, null];
    v.add(marker("a|5", a));
    v.add(row("a|5", a, { n: 1 }));
    v.add(marker("a|-10", neg));
    v.add(row("a|-10", neg, { n: 2 }));
    v.add(row("a|-10", neg, { m: 0 }));
    v.add(marker("a|5", a));
    v.add(row("a|5", a, { n: 3 }));
    v.add(marker("a|*", g));
    v.add(row("a|*", g, { n: 9 }));
    v.add(marker("a|*", g));
    // Global (null bounds) would sort first, but its last pane is empty; -10 < 5 numerically;
    // within a pane rows sort by canonical JSON: {"m":0} < {"n":2}.
    expect(v.rows()).toEqual([{ m: 0 }, { n: 2 }, { n: 3 }]);
  });
});

describe("an unkeyed sink's final view", () => {
  it("holds any number of rows (200k passed through: no call-stack limit on the bag)", async () => {
    const Row = L.pipeline("pass", { version: 1 }, ({ source, sink }) => L.pipe(source("ev", Ev), sink("out")));
    const rows = Array.from({ length: 200_000 }, (_, i) => ({ k: `k${i % 7}`, ts: i, id: i }));
    const r = await runDirect(Row, { inputs: { ev: rows } });
    const out = r.outputs.out as { id: number }[];
    expect(out).toHaveLength(200_000);
    expect(new Set(out.map((x) => x.id)).size).toBe(200_000);
    const arquero = await runArquero(Row, { inputs: { ev: rows } });
    expect(arquero.outputs.out).toEqual(out);
  });
});
