/**
 * The two workloads of the lockstep-vs-Apache-Beam row (issue 11 §3), each three ways: lockstep's
 * DirectRunner, Apache Beam's TypeScript SDK on its in-process direct runner, and a hand-written loop.
 * bench/beam-compare.ts times them; test/bench/beam-suites.test.ts runs them tiny.
 *
 * Beam lives in bench/beam/ (its own package.json and lockfile, never a dependency of lockstep), so it
 * is loaded with a `require` rooted there and typed loosely here: typecheck and lint must pass on a
 * checkout where it was never installed.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import windowCount from "../examples/window-count.ts";
import wordcount from "../examples/wordcount.ts";
import { runDirect } from "../runners/direct/index.ts";
import { canonicalJson, compareStrings } from "../src/core/canonical.ts";

/** bench/beam: the folder holding Beam's package.json, lockfile and (once installed) node_modules. */
export const BEAM_DIR = join(dirname(fileURLToPath(import.meta.url)), "beam");

/** Whether `npm ci --prefix bench/beam` has been run (the Beam half runs only then). */
export const beamInstalled = (): boolean => existsSync(join(BEAM_DIR, "node_modules", "apache-beam", "package.json"));

/** The installed apache-beam's version (package.json pins 2.49.0). */
export const beamVersion = (): string =>
  (JSON.parse(readFileSync(join(BEAM_DIR, "node_modules", "apache-beam", "package.json"), "utf8")) as { version: string }).version;

/** One line of text (wordcount's input). */
export type Line = { line: string };
/** A keyed event at `ts` ms (the window count's input). */
export type KeyedEvent = { key: string; ts: number };
/** wordcount's final view. */
export type WordCount = { word: string; count: number };
/** The window count's final view: one row per key and fixed 10 s window. */
export type WindowCount = { key: string; windowStart: number; windowEnd: number; count: number };

// The generator of bench/suites.ts (same LCG, vocabulary and skew), so the wordcount here reads the
// same kind of text as the DirectRunner-vs-hand-loop row; each call starts from the same seed, so
// every process of a run sees the same input.
const lcg = () => {
  let seed = 42;
  return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
};
const VOCAB = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);

/** `n` lines of 10 words drawn from a 5,000-word vocabulary, skewed towards its start. */
export const makeLines = (n: number): Line[] => {
  const rand = lcg();
  return Array.from({ length: n }, () => ({ line: Array.from({ length: 10 }, () => VOCAB[Math.floor(rand() ** 2 * VOCAB.length)]).join(" ") + "." }));
};

/** Number of keys of the window-count input; ~100 events per key and window at 1 event per ms. */
export const WINDOW_KEYS = 100;
const T0 = 1_700_000_000_000;

/**
 * `n` events over `WINDOW_KEYS` keys, one per ms in event time. Timestamps never decrease, so no
 * element is late under lockstep's lateness rule (0 s here) and the count is the whole input, which
 * is what Beam's direct runner (one bundle, the watermark jumps to the end) computes too.
 */
export const makeEvents = (n: number): KeyedEvent[] => {
  const rand = lcg();
  return Array.from({ length: n }, (_, i) => ({ key: `k${Math.floor(rand() * WINDOW_KEYS)}`, ts: T0 + i }));
};

/** Fixed window length of the window count. */
export const WINDOW_MS = 10_000;

const sortRows = <R>(rows: readonly R[]): R[] =>
  rows
    .map((r) => canonicalJson(r))
    .sort(compareStrings)
    .map((s) => JSON.parse(s) as R);

/** Sorted canonical rows: the form in which the three results are compared (not timed). */
export const normalize = (rows: readonly unknown[]): string => JSON.stringify(sortRows(rows));

/** The three ways of computing one result. */
export type Impl = "hand" | "lockstep" | "beam";

/** One workload, three ways. */
export interface BeamSuite<I> {
  readonly name: string;
  /** What one element of the input is, for the table. */
  readonly unit: string;
  make(n: number): I[];
  run(impl: Impl, input: I[]): Promise<unknown[]>;
}

// ── hand-written loops ──────────────────────────────────────────────────────

const handWordcount = (rows: readonly Line[]): WordCount[] => {
  const counts = new Map<string, number>();
  for (const { line } of rows) for (const w of line.toLowerCase().split(/[^a-z']+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].map(([word, count]) => ({ word, count }));
};

const handWindowCount = (rows: readonly KeyedEvent[]): WindowCount[] => {
  const counts = new Map<string, WindowCount>();
  for (const { key, ts } of rows) {
    const windowStart = ts - (((ts % WINDOW_MS) + WINDOW_MS) % WINDOW_MS);
    const id = `${key}\u0000${windowStart}`;
    const c = counts.get(id);
    if (c) c.count++;
    else counts.set(id, { key, windowStart, windowEnd: windowStart + WINDOW_MS, count: 1 });
  }
  return [...counts.values()];
};

// ── Apache Beam ─────────────────────────────────────────────────────────────

/**
 * What Beam's functions reach outside themselves. Beam serializes every user function into the
 * pipeline proto (serialize-closures) and the direct runner deserializes it again; an object
 * registered with `requireForSerialization` travels by name, so the input array and the output
 * collector are shared by reference rather than copied into the proto. Functions declare what they
 * capture in `__closure`, which Beam's ts-closure-transform would have written for us.
 */
type BeamCtx = { input: unknown[]; out: unknown[] };
type Beam = { beam: any; directRunner: (options?: object) => any; Long: any; count: any; ctx: BeamCtx; spawns: () => number };
let loaded: Beam | undefined;

const captures = <F extends (...args: any[]) => unknown>(fn: F, closure: () => object): F => Object.assign(fn, { __closure: closure });

/** Patches node:child_process to count what Beam starts: the direct runner must start nothing. */
const countSpawns = (): (() => number) => {
  const cp = createRequire(import.meta.url)("node:child_process") as Record<string, unknown>;
  let n = 0;
  for (const name of ["spawn", "spawnSync", "fork", "exec", "execSync", "execFile", "execFileSync"]) {
    const orig = cp[name] as (...a: unknown[]) => unknown;
    cp[name] = (...a: unknown[]) => (n++, orig(...a));
  }
  return () => n;
};

/** Loads Apache Beam from bench/beam/node_modules (once). */
export const loadBeam = (): Beam => {
  if (loaded) return loaded;
  if (!beamInstalled()) throw new Error("Apache Beam is not installed: run `npm ci --prefix bench/beam`");
  const spawns = countSpawns();
  const req = createRequire(join(BEAM_DIR, "package.json"));
  const beam = req("apache-beam");
  // The in-process runner itself, not `createRunner()`'s default, which falls back to the universal
  // (portable, job-server) runner whenever the direct runner cannot run a pipeline.
  const { directRunner } = req("apache-beam/runners/direct_runner");
  const ctx: BeamCtx = { input: [], out: [] };
  req("apache-beam/serialization").requireForSerialization("lockstep-bench-beam", { ctx });
  // Timestamps are Beam Instants (a `long` of ms); Beam registers that class for serialization itself.
  const Long = req("long");
  const { count } = req("apache-beam/transforms/combiners");
  loaded = { beam, directRunner, Long, count, ctx, spawns };
  return loaded;
};

/** Runs `build` on Beam's direct runner over `input`, returning what reached the collector. */
const runBeam = async (input: unknown[], build: (pcoll: any, beam: any) => any): Promise<unknown[]> => {
  const { beam, directRunner, ctx, spawns } = loadBeam();
  ctx.input = input;
  ctx.out = [];
  const before = spawns();
  const runner = directRunner();
  if (runner.constructor.name !== "DirectRunner") throw new Error(`expected Beam's DirectRunner, got ${runner.constructor.name}`);
  const read = captures(
    () => ctx.input,
    () => ({ ctx }),
  );
  const collect = captures(
    (x: unknown) => void ctx.out.push(x),
    () => ({ ctx }),
  );
  await runner.run((root: any) => build(root.apply(beam.impulse()).flatMap(beam.withName("read", read)), beam).map(beam.withName("collect", collect)));
  if (spawns() !== before) throw new Error("Beam's direct runner started a process: it is not running in-process");
  const out = ctx.out;
  ctx.input = ctx.out = [];
  return out;
};

const beamWordcount = (rows: Line[]): Promise<unknown[]> =>
  runBeam(rows, (lines, beam) =>
    lines
      // PCollection has no filter: the empty pieces are dropped in the same flatMap.
      .flatMap(
        beam.withName("split", (e: Line) =>
          e.line
            .toLowerCase()
            .split(/[^a-z']+/)
            .filter((w: string) => w.length > 0),
        ),
      )
      .apply(beam.countPerElement())
      .map(beam.withName("toRow", (r: { element: string; count: number }) => ({ word: r.element, count: r.count }))),
  );

const beamWindowCount = (rows: KeyedEvent[]): Promise<unknown[]> => {
  const { Long, count } = loadBeam();
  const stamp = captures(
    (e: KeyedEvent) => Long.fromNumber(e.ts),
    () => ({ Long }),
  );
  return runBeam(rows, (events, beam) =>
    events
      .apply(beam.assignTimestamps(beam.withName("stamp", stamp)))
      .apply(beam.windowInto(beam.fixedWindows(WINDOW_MS / 1000)))
      .apply(beam.groupBy("key").combining("key", count, "count"))
      .map(
        beam.withName("toRow", (r: { key: string; count: number }, c: { window: { lookup(): { start: any; end: any } } }) => {
          const w = c.window.lookup();
          return { key: r.key, windowStart: w.start.toNumber(), windowEnd: w.end.toNumber(), count: r.count };
        }),
        { window: beam.windowParam() },
      ),
  );
};

// ── the suites ──────────────────────────────────────────────────────────────

/** wordcount (examples/wordcount.ts): words of every line, counted over the whole input. */
export const wordcountSuite: BeamSuite<Line> = {
  name: "wordcount",
  unit: "lines (10 words each)",
  make: makeLines,
  run: async (impl, input) => {
    if (impl === "hand") return handWordcount(input);
    if (impl === "beam") return beamWordcount(input);
    return (await runDirect(wordcount, { inputs: { lines: input } })).outputs.counts!;
  },
};

/** Fixed-window count (examples/window-count.ts, `fixed:10s`): events per key per 10 s of event time. */
export const windowCountSuite: BeamSuite<KeyedEvent> = {
  name: "fixed-window count",
  unit: "events",
  make: makeEvents,
  run: async (impl, input) => {
    if (impl === "hand") return handWindowCount(input);
    if (impl === "beam") return beamWindowCount(input);
    return (await runDirect(windowCount, { inputs: { events: input }, params: { window: "fixed:10s", lateness: "0s" } })).outputs.counts!;
  },
};

/** Both suites, by name. */
export const beamSuites: Record<string, BeamSuite<any>> = { wordcount: wordcountSuite, window: windowCountSuite };
