/**
 * Runs the four benchmark queries (bench/arquero/queries.ts) on one engine:
 * hand-written arquero, the ArqueroBatchRunner, or DuckDB with one thread or
 * its default (one per core). Each query is timed alone; its result's digest
 * is taken after the clock stops, so checking agreement costs no engine time.
 */
import { openDuck } from "./duckdb.ts";
import { type Data, digest, QUERIES } from "./queries.ts";

/** The engines compared, each run in its own process by bench/arquero-scale.ts. */
export const ENGINES = ["hand", "runner", "duckdb-1t", "duckdb"] as const;
/** One of {@link ENGINES}. */
export type Engine = (typeof ENGINES)[number];

/** What one engine measured. */
export interface EngineResult {
  readonly engine: Engine;
  /** Milliseconds per query, in {@link QUERIES} order. */
  readonly ms: number[];
  /** Result digest per query (equal digests: equal final views). */
  readonly digests: string[];
  /** DuckDB only: milliseconds to append the rows into its tables, not part of `ms`. */
  readonly loadMs?: number;
  /** DuckDB only: its `threads` setting. */
  readonly threads?: number;
  /** DuckDB only: milliseconds per query inside DuckDB (into a temporary table), the rest of `ms` being the read into JavaScript. */
  readonly engineMs?: number[];
}

/** Runs the queries (all, or those whose index is in `only`) on `engine` over `data`. */
export const runEngine = async (engine: Engine, data: Data, only?: readonly number[]): Promise<EngineResult> => {
  const picked = [...QUERIES.entries()].filter(([i]) => only === undefined || only.includes(i));
  const ms: number[] = [];
  const digests: string[] = [];
  const record = (t0: number, rows: readonly object[], i: number) => {
    ms.push(performance.now() - t0);
    digests.push(digest(rows, QUERIES[i]!.normalise));
  };
  if (engine === "hand" || engine === "runner") {
    for (const [i, q] of picked) {
      const t0 = performance.now();
      record(t0, engine === "hand" ? q.hand(data) : await q.runner(data), i);
    }
    return { engine, ms, digests };
  }
  const t0 = performance.now();
  const duck = await openDuck(data, engine === "duckdb-1t" ? 1 : undefined);
  const loadMs = performance.now() - t0;
  const engineMs: number[] = [];
  try {
    for (const [i, q] of picked) {
      // Into a temporary table first, so the table can say how much is DuckDB and how much the read into JS.
      const t1 = performance.now();
      await duck.query(`CREATE OR REPLACE TEMP TABLE result AS ${q.sql}`);
      engineMs.push(performance.now() - t1);
      record(t1, await duck.query("FROM result"), i);
    }
  } finally {
    duck.close();
  }
  return { engine, ms, digests, loadMs, threads: duck.threads, engineMs };
};

/** An engine's result with its process's memory, as the child reports it. */
export interface Measured extends EngineResult {
  /** RSS once the rows are generated, before the engine starts (bytes). */
  readonly rowsRss: number;
  /** Peak RSS of the process (bytes). */
  readonly peakRss: number;
  /** Number of item versions in the lookup table. */
  readonly items: number;
  /** 1-minute load average when the engine started and when it finished. */
  readonly load: [number, number];
}

/** The markdown table of one run (`note`: e.g. the load average), and whether every query's results agree. */
export const formatTable = (n: number, engines: readonly Engine[], results: ReadonlyMap<Engine, Measured>, note: string): { lines: string[]; ok: boolean } => {
  const lines: string[] = [];
  const any = [...results.values()][0]!;
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  lines.push(
    `node ${process.version}, ${new Date().toISOString()}, ${n.toLocaleString("en-US")} events, ${any.items.toLocaleString("en-US")} item versions; ` + note,
  );
  const label: Record<Engine, string> = {
    hand: "hand-written arquero ms",
    runner: "ArqueroBatchRunner ms",
    "duckdb-1t": `DuckDB ${results.get("duckdb-1t")?.threads ?? 1} thread ms`,
    duckdb: `DuckDB ${results.get("duckdb")?.threads ?? "default"} threads ms`,
  };
  const ratios: [string, Engine, Engine][] = [
    ["runner / hand", "runner", "hand"],
    ["runner / DuckDB 1 thread", "runner", "duckdb-1t"],
    ["hand / DuckDB 1 thread", "hand", "duckdb-1t"],
  ].filter(([, a, b]) => results.has(a as Engine) && results.has(b as Engine)) as [string, Engine, Engine][];
  const cols = [...engines.map((e) => label[e]), ...ratios.map(([name]) => name), "results agree"];
  lines.push(`| query | ${cols.join(" | ")} |`);
  lines.push(`|---|${cols.map((c) => (c === "results agree" ? "---" : "---:")).join("|")}|`);
  let ok = true;
  for (const [i, q] of QUERIES.entries()) {
    const ms = engines.map((e) => {
      const r = results.get(e)!;
      return r.engineMs ? `${r.ms[i]!.toFixed(0)} (${r.engineMs[i]!.toFixed(0)} in DuckDB)` : r.ms[i]!.toFixed(0);
    });
    const rs = ratios.map(([, a, b]) => (results.get(a)!.ms[i]! / results.get(b)!.ms[i]!).toFixed(2));
    const agree = new Set(engines.map((e) => results.get(e)!.digests[i])).size === 1;
    ok &&= agree;
    lines.push(`| ${q.name} | ${[...ms, ...rs, agree ? "yes" : "NO"].join(" | ")} |`);
  }
  const blank = ratios.map(() => "").concat("");
  const loadMs = engines.map((e) => (results.get(e)!.loadMs === undefined ? "—" : results.get(e)!.loadMs!.toFixed(0)));
  lines.push(`| load rows into DuckDB (appender), not in the query times | ${[...loadMs, ...blank].join(" | ")} |`);
  lines.push(`| RSS after generating the rows, MB | ${[...engines.map((e) => mb(results.get(e)!.rowsRss)), ...blank].join(" | ")} |`);
  lines.push(
    `| 1-min load average at the engine's start → end | ${[
      ...engines.map((e) =>
        results
          .get(e)!
          .load.map((x) => x.toFixed(1))
          .join(" → "),
      ),
      ...blank,
    ].join(" | ")} |`,
  );
  lines.push(`| peak RSS of the engine's process, MB | ${[...engines.map((e) => mb(results.get(e)!.peakRss)), ...blank].join(" | ")} |`);
  return { lines, ok };
};
