/**
 * The DirectRunner on worker threads (`workers`), issue 12: the flagship
 * (`examples/user-sequences.ts`, which needs an exchange and so runs on one
 * thread whatever `workers` says) and its per-user form
 * (`bench/user-sequences-per-user.ts`, which splits by source key) on the
 * generated flagship data (bench/flagship-data.ts), with 1 and 2 workers.
 *
 * Each configuration runs in its own child process (the compiled package,
 * dist/: `npm run build` first), reading the JSONL files and writing the
 * sink's final view to a file, as `lockstep run` does. Per run it reports wall
 * time, CPU time of the whole process (every thread: `process.cpuUsage()`),
 * and the main thread's busy time (`performance.eventLoopUtilization()`):
 * with workers, that is the serial part — reading, decoding, routing and
 * posting records, merging and writing — and the rest of the CPU is the
 * shards'. The output files' SHA-256 must agree between 1 and 2 workers.
 *
 *   npm run build && node --import tsx bench/direct-workers.ts [events=1000000] [users=20000] [runs=3]
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { flagshipData } from "./flagship-data.ts";

/** One configuration's measurement. */
interface Measured {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly mainBusyMs: number;
  readonly threads: number;
  readonly sha256: string;
}

const PIPELINES = { "user-sequences (flagship)": "examples/user-sequences.ts", "user-sequences-per-user": "bench/user-sequences-per-user.ts" } as const;

/** The child: one run, measured, printed as JSON. */
const child = async (pipeline: string, workers: number, events: string, items: string, out: string): Promise<void> => {
  // The compiled package (its worker threads run plain .js), by a computed path: no typecheck on dist/.
  const dist = new URL("../dist/", import.meta.url).href;
  const { runDirectViews } = (await import(`${dist}runners/direct/index.js`)) as typeof import("../runners/direct/index.ts");
  const { writeRecords } = (await import(`${dist}src/io/write.js`)) as typeof import("../src/io/write.ts");
  const def = ((await import(join(process.cwd(), pipeline))) as { default: Parameters<typeof runDirectViews>[0] }).default;
  const e0 = performance.eventLoopUtilization();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const run = await runDirectViews(def, { inputs: { events, items }, workers, log: () => {} });
  await writeRecords(out, run.views.sequences!.rows());
  await run.close();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const e = performance.eventLoopUtilization(e0);
  const sha256 = createHash("sha256").update(readFileSync(out)).digest("hex");
  const m: Measured = { wallMs, cpuMs: (c.user + c.system) / 1000, mainBusyMs: e.active, threads: run.threads, sha256 };
  process.stdout.write(JSON.stringify(m) + "\n");
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const parent = async (events: number, users: number, runs: number): Promise<void> => {
  const data = await flagshipData(events, users);
  const load0 = loadavg()[0]!;
  const rows: string[] = [];
  for (const [name, path] of Object.entries(PIPELINES)) {
    const shas = new Set<string>();
    for (const workers of [1, 2]) {
      const ms: Measured[] = [];
      for (let i = 0; i < runs; i++) {
        const out = join(tmpdir(), `lockstep-direct-workers-${process.pid}.jsonl`);
        const r = spawnSync(
          process.execPath,
          ["--max-old-space-size=8000", "--import", "tsx", "bench/direct-workers.ts", "--child", path, String(workers), data.eventsFile, data.itemsFile, out],
          { encoding: "utf8" },
        );
        rmSync(out, { force: true });
        if (r.status !== 0) throw new Error(`${name} workers ${workers}: ${r.stderr}`);
        ms.push(JSON.parse(r.stdout.trim().split("\n").pop()!) as Measured);
      }
      for (const m of ms) shas.add(m.sha256);
      const wall = median(ms.map((m) => m.wallMs));
      const cpu = median(ms.map((m) => m.cpuMs));
      const main = median(ms.map((m) => m.mainBusyMs));
      rows.push(
        `| ${name} | ${workers} | ${ms[0]!.threads} | ${(wall / 1000).toFixed(2)} | ${(cpu / 1000).toFixed(2)} | ${(main / 1000).toFixed(2)} | ${Math.round(events / (wall / 1000)).toLocaleString("en")} |`,
      );
    }
    rows.push(`| ${name}: output SHA-256 equal for 1 and 2 workers | ${shas.size === 1 ? "yes" : "NO"} | | | | | |`);
  }
  const load1 = loadavg()[0]!;
  process.stdout.write(
    [
      `${events} events, ${users} users, median of ${runs} runs per row, load (1 min) ${load0.toFixed(2)} → ${load1.toFixed(2)}`,
      "",
      "| pipeline | workers | threads used | wall s | CPU s (all threads) | main thread busy s | events/s (wall) |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      "",
    ].join("\n"),
  );
};

const args = process.argv.slice(2);
if (args[0] === "--child") await child(args[1]!, Number(args[2]), args[3]!, args[4]!, args[5]!);
else await parent(Number(args[0] ?? 1_000_000), Number(args[1] ?? 20_000), Number(args[2] ?? 3));
