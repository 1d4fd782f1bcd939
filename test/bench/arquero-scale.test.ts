/**
 * Smoke test of the arquero benchmark (bench/arquero-scale.ts) at a tiny size,
 * so the harness can't rot: every query gives the same final view on the
 * ArqueroBatchRunner and in hand-written arquero, and — when DuckDB is
 * installed in bench/duckdb/ — in DuckDB. No timing is asserted.
 */
import { describe, expect, it } from "vitest";
import { duckdbInstalled } from "../../bench/arquero/duckdb.ts";
import { formatTable, type Measured, runEngine } from "../../bench/arquero/harness.ts";
import { generate, QUERIES } from "../../bench/arquero/queries.ts";
import { canonicalJson } from "../../src/core/canonical.ts";

const data = generate(2000);
const sorted = (rows: readonly object[], normalise?: (r: Record<string, unknown>) => unknown) =>
  rows.map((r) => canonicalJson(normalise ? normalise(r as Record<string, unknown>) : r)).sort();

describe("arquero benchmark harness (tiny)", () => {
  it("the generated lookup table has tied versions (same item, same validFrom)", () => {
    const seen = new Set<string>();
    expect(data.items.some((i) => seen.size === seen.add(`${i.itemId}@${i.updatedAt}`).size)).toBe(true);
  });

  for (const q of QUERIES) {
    it(`${q.name}: hand-written arquero gives the runner's final view`, async () => {
      const runner = await q.runner(data);
      expect(runner.length).toBeGreaterThan(0);
      expect(sorted(q.hand(data), q.normalise)).toEqual(sorted(runner, q.normalise));
    });
  }

  it("the point-in-time lookup finds no version for some events and one for others", async () => {
    const rows = (await QUERIES[3]!.runner(data)) as { category: string | null }[];
    expect(rows.some((r) => r.category === null)).toBe(true);
    expect(rows.some((r) => r.category !== null)).toBe(true);
  });

  const duckdb = duckdbInstalled();
  it.skipIf(!duckdb)(
    `DuckDB (1 thread and default) gives the same final views${duckdb ? "" : " — skipped: bench/duckdb/node_modules missing (npm ci --prefix bench/duckdb)"}`,
    async () => {
      const hand = await runEngine("hand", data);
      for (const engine of ["duckdb-1t", "duckdb"] as const) {
        const duck = await runEngine(engine, data);
        expect(duck.digests).toEqual(hand.digests);
        expect(duck.loadMs).toBeGreaterThanOrEqual(0);
        expect(duck.engineMs).toHaveLength(QUERIES.length);
      }
    },
  );

  it("the table the CLI prints has a row per query, ratios, and says whether results agree", async () => {
    const mem = { rowsRss: 1, peakRss: 2, items: data.items.length, load: [0, 0] as [number, number] };
    const results = new Map<"hand" | "runner", Measured>([
      ["hand", { ...(await runEngine("hand", data)), ...mem }],
      ["runner", { ...(await runEngine("runner", data)), ...mem }],
    ]);
    const { lines, ok } = formatTable(data.events.length, ["hand", "runner"], results, "load average 0");
    expect(ok).toBe(true);
    const rows = lines.filter((l) => QUERIES.some((q) => l.startsWith(`| ${q.name} |`)));
    expect(rows).toHaveLength(QUERIES.length);
    for (const r of rows) expect(r.endsWith("| yes |")).toBe(true);
    const broken = new Map(results).set("hand", { ...results.get("hand")!, digests: ["x", "x", "x", "x"] });
    expect(formatTable(1, ["hand", "runner"], broken, "").ok).toBe(false);
  });
});
