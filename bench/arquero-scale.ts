/**
 * The ArqueroBatchRunner against hand-written arquero and against DuckDB on
 * the same four queries over the same rows (issue 11 §3): a group-by (count
 * and exact sum per user), a windowed count (per user per fixed 1 h window),
 * sequence assembly (each user's 50 latest events) and a point-in-time lookup
 * (each event with its item's category as of the event's time).
 *
 *   npm run bench:arquero                         # 5M rows, every engine
 *   npm run bench:arquero -- 1000000
 *   npm run bench:arquero -- 5000000 --engines=hand,runner
 *   # one engine, chosen queries (1-based), its JSON on stdout — e.g. to profile the runner's group-by:
 *   LOCKSTEP_ARQUERO_TIMING=1 node --cpu-prof --max-old-space-size=12000 --import tsx bench/arquero-scale.ts --engine=runner --queries=1
 *
 * Each engine runs in its own child process (same node flags), so each has its
 * own peak RSS and no engine's garbage slows another. DuckDB is installed into
 * bench/duckdb/ on first use. Results must agree (digests of the final views);
 * a disagreement is printed as NO and makes the exit code 1.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { ensureDuckdb } from "./arquero/duckdb.ts";
import { ENGINES, type Engine, formatTable, type Measured, runEngine } from "./arquero/harness.ts";
import { generate } from "./arquero/queries.ts";

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const N = Number(args.find((a) => !a.startsWith("--")) ?? 5_000_000);
const MARK = "RESULT ";

/** Child: one engine, its result as one JSON line on stdout. */
const child = async (engine: Engine) => {
  const data = generate(N);
  const rowsRss = process.memoryUsage().rss;
  const load0 = loadavg()[0]!;
  const only = flag("queries")
    ?.split(",")
    .map((q) => Number(q) - 1);
  const r = await runEngine(engine, data, only);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(MARK + JSON.stringify({ ...r, rowsRss, peakRss, items: data.items.length, load: [load0, loadavg()[0]] }));
};

const parent = () => {
  const engines = (flag("engines")?.split(",") ?? [...ENGINES]) as Engine[];
  if (engines.some((e) => e.startsWith("duckdb"))) ensureDuckdb();
  const load = loadavg().map((x) => x.toFixed(2));
  const results = new Map<Engine, Measured>();
  for (const e of engines) {
    const p = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--engine=${e}`, String(N)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 26,
    });
    const line = p.stdout.split("\n").find((l) => l.startsWith(MARK));
    if (p.status !== 0 || !line) throw new Error(`engine ${e} failed (exit ${p.status}): ${p.stdout}`);
    results.set(e, JSON.parse(line.slice(MARK.length)));
  }
  const loadEnd = loadavg().map((x) => x.toFixed(2));
  const { lines, ok } = formatTable(N, engines, results, `load average before ${load.join(" ")}, after ${loadEnd.join(" ")}`);
  for (const l of lines) console.log(l);
  if (!ok) process.exitCode = 1;
};

const engine = flag("engine") as Engine | undefined;
if (engine) await child(engine);
else parent();
