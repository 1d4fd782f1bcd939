/**
 * `npm run bench:beam`: lockstep's DirectRunner against Apache Beam's TypeScript SDK (npm
 * `apache-beam` 2.49.0 on its in-process direct runner) and a hand-written loop, on wordcount and a
 * fixed-window count (bench/beam-suites.ts). Beam is installed on first use into bench/beam/ (its own
 * package.json and lockfile; never a dependency of lockstep).
 *
 *   npm run bench:beam                                          # 200k lines, 1M events, 3 timed runs
 *   npx tsx bench/beam-compare.ts --lines 20000 --events 100000 --reps 1
 *   npx tsx bench/beam-compare.ts --lines 200 --events 2000 --reps 1 --no-install   # never installs Beam
 *   node --cpu-prof --import tsx bench/beam-compare.ts --worker wordcount lockstep 200000 1   # one profile
 *
 * Each implementation runs in its own process (`--worker`), so its peak RSS is its own; in each, one
 * untimed run gives the result (and warms the JIT), then the median of `reps` timed runs. The parent
 * checks the three results agree before printing the table, and throws if they do not.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BEAM_DIR, beamInstalled, beamSuites, beamVersion, type Impl, normalize } from "./beam-suites.ts";

/** One implementation's run of one workload. */
export interface Measurement {
  readonly suite: string;
  readonly impl: Impl;
  readonly elements: number;
  /** Median wall time of the timed runs. */
  readonly ms: number;
  /**
   * Median CPU time (user + system, this process) of the timed runs: on a loaded machine the wall
   * time of processes run one after another sees different load, their CPU time much less so.
   */
  readonly cpuMs: number;
  readonly rows: number;
  /** sha256 of the sorted canonical result: equal hashes, equal results. */
  readonly hash: string;
  /** Peak resident set of the process that ran it (the whole process when not isolated). */
  readonly peakRssMb: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs one implementation of one workload in this process: one untimed run, then `reps` timed. */
export const measure = async (suite: string, impl: Impl, elements: number, reps: number): Promise<Measurement> => {
  if (!(reps >= 1)) throw new Error(`reps must be at least 1, got ${reps}`);
  const s = beamSuites[suite];
  if (!s) throw new Error(`unknown suite "${suite}" (one of ${Object.keys(beamSuites).join(", ")})`);
  const input = s.make(elements);
  const result = await s.run(impl, input);
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const [t0, c0] = [performance.now(), process.cpuUsage()];
    await s.run(impl, input);
    const c = process.cpuUsage(c0);
    ms.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  const hash = createHash("sha256").update(normalize(result)).digest("hex");
  return { suite, impl, elements, ms: median(ms), cpuMs: median(cpu), rows: result.length, hash, peakRssMb: process.resourceUsage().maxRSS / 1024 };
};

const SCRIPT = fileURLToPath(import.meta.url);
const MARK = "RESULT ";

/** The same measurement in a child process of its own (its peak RSS is then its own). */
export const measureIsolated = (suite: string, impl: Impl, elements: number, reps: number): Measurement => {
  const r = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, "--worker", suite, impl, String(elements), String(reps)], {
    // `--import tsx` resolves from the working directory: the repository root, wherever we were called from.
    cwd: dirname(dirname(SCRIPT)),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 26,
  });
  // Beam's worker logs to stdout ("Processing … for bundle_id"), so the result is the marked line.
  const line = r.stdout.split("\n").find((l) => l.startsWith(MARK));
  if (r.status !== 0 || !line) throw new Error(`${suite}/${impl} failed (exit ${r.status}):\n${r.stdout.slice(-2000)}`);
  return JSON.parse(line.slice(MARK.length)) as Measurement;
};

/** What to compare. */
export interface CompareOptions {
  readonly lines: number;
  readonly events: number;
  readonly reps: number;
  /** Which implementations to run; Beam's only if installed. */
  readonly impls: readonly Impl[];
  /** One process per implementation (true for figures; false in the smoke test, for speed). */
  readonly isolate: boolean;
}

/** Runs every suite every way and checks the results agree; throws naming the first that does not. */
export const compare = async (o: CompareOptions): Promise<Measurement[]> => {
  const out: Measurement[] = [];
  for (const [suite, n] of [
    ["wordcount", o.lines],
    ["window", o.events],
  ] as const) {
    const ms: Measurement[] = [];
    for (const impl of o.impls) ms.push(o.isolate ? measureIsolated(suite, impl, n, o.reps) : await measure(suite, impl, n, o.reps));
    const off = ms.find((m) => m.hash !== ms[0]!.hash);
    if (off) throw new Error(`${suite}: ${off.impl} (${off.rows} rows) disagrees with ${ms[0]!.impl} (${ms[0]!.rows} rows)`);
    out.push(...ms);
  }
  return out;
};

const rate = (m: Measurement | undefined) => (m ? Math.round((m.elements / m.ms) * 1000).toLocaleString("en-US") : "—");
const fixed = (x: number | undefined, d = 0) => (x === undefined || Number.isNaN(x) ? "—" : x.toFixed(d));

/** The measurements as a markdown table, one row per workload. */
export const table = (ms: readonly Measurement[]): string => {
  const head = [
    "| workload | elements | rows out | hand loop ms | lockstep ms | Beam ms | lockstep elements/s | Beam elements/s | lockstep / Beam | lockstep / Beam, CPU | lockstep / hand loop | peak RSS MB (hand / lockstep / Beam) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const rows = Object.keys(beamSuites).flatMap((suite) => {
    const by = (impl: Impl) => ms.find((m) => m.suite === suite && m.impl === impl);
    const [hand, ls, beam] = [by("hand"), by("lockstep"), by("beam")];
    const any = hand ?? ls ?? beam;
    if (!any) return [];
    const s = beamSuites[suite]!;
    const ratio = (a?: Measurement, b?: Measurement, of: "ms" | "cpuMs" = "ms") => (a && b ? (a[of] / b[of]).toFixed(2) : "—");
    const rss = [hand, ls, beam].map((m) => fixed(m?.peakRssMb)).join(" / ");
    return [
      `| ${s.name} | ${any.elements} ${s.unit} | ${any.rows} | ${fixed(hand?.ms)} | ${fixed(ls?.ms)} | ${fixed(beam?.ms)} | ${rate(ls)} | ${rate(beam)} | ${ratio(ls, beam)} | ${ratio(ls, beam, "cpuMs")} | ${ratio(ls, hand)} | ${rss} |`,
    ];
  });
  return [...head, ...rows].join("\n");
};

const flag = (args: string[], name: string, dflt: number): number => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} wants a whole number ≥ 1, got "${args[i + 1]}"`);
  return v;
};

const main = async (args: string[]) => {
  if (args[0] === "--worker") {
    const [suite, impl, n, reps] = args.slice(1);
    const m = await measure(suite!, impl as Impl, Number(n), Number(reps));
    console.log(MARK + JSON.stringify(m));
    return;
  }
  // --no-install (the smoke run of `npm test`, via bench/all.ts --smoke): no network; without Beam the
  // hand loop and lockstep still run and are compared.
  if (!beamInstalled() && !args.includes("--no-install")) {
    // First use: Beam's exact tree from bench/beam/package-lock.json, into bench/beam/node_modules.
    // npm's output goes to stderr: stdout is the table (bench/all.ts writes it into RESULTS.md).
    console.error("installing Apache Beam into bench/beam (npm ci, first use only) …");
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: BEAM_DIR, stdio: ["ignore", 2, 2] });
  }
  const withBeam = beamInstalled();
  const o: CompareOptions = {
    lines: flag(args, "--lines", 200_000),
    events: flag(args, "--events", 1_000_000),
    reps: flag(args, "--reps", 3),
    impls: withBeam ? ["hand", "lockstep", "beam"] : ["hand", "lockstep"],
    isolate: true,
  };
  const beamNote = withBeam ? `apache-beam ${beamVersion()} directRunner()` : "Beam not installed (npm ci --prefix bench/beam): hand loop and lockstep only";
  console.log(`node ${process.version}, ${new Date().toISOString()}, ${beamNote}, ${o.reps} timed runs (median)\n`);
  console.log(table(await compare(o)));
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
