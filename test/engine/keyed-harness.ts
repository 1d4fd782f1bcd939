/**
 * Shared fixtures for the engine tests: a small event codec, window-count
 * style pipelines, and a driver that records every pane a sink receives
 * (the DirectRunner only returns final views).
 *
 * @module
 */
import * as t from "io-ts";
import * as L from "../../dsl/index.ts";
import type { Pipeline } from "../../dsl/index.ts";
import type { Stream, WindowOptions } from "../../dsl/index.ts";
import { canonicalJson, compareStrings } from "../../src/core/canonical.ts";
import { buildTopology, FinalView, MemoryStateBackend, newMetrics } from "../../src/engine/index.ts";
import type { Elem, LateElement, StageMetrics, StateBackend } from "../../src/engine/index.ts";
import { compile, registryOf } from "../../src/plan/index.ts";
import type { WindowFn } from "../../src/window/types.ts";

/** A test event: stage key `k`, source key `d` (a device), event time `ts`, an id and a free payload `x`. */
export const Ev = t.intersection([t.type({ k: t.string, ts: t.number }), t.partial({ d: t.string, id: t.number, x: t.unknown })]);
export type Ev = t.TypeOf<typeof Ev>;

/** Which fields key the source (its ordered substreams) and the combine. */
export type Keying = "aligned" | "device-to-k" | "device-to-k-and-d" | "device-aligned";

/**
 * `ev → withTimestamps(ts) → keyBy → window → combine({ n: count, ids: collect(id) }) → out`.
 *
 * - `aligned`: source key `k`, stage key `k` (exact cleanup).
 * - `device-to-k`: source key `d`, stage key `k` (several source keys per stage key; no cleanup).
 * - `device-to-k-and-d`: source key `d`, stage key `[k, d]` (exact cleanup).
 * - `device-aligned`: source key `d`, stage key `d` (exact cleanup).
 */
export const countPipeline = (fn: WindowFn, opts: WindowOptions = {}, keying: Keying = "aligned"): Pipeline<never> =>
  L.pipeline("count", { version: 1 }, ({ source, sink }) => {
    const src = source("ev", Ev, { key: keying === "aligned" ? "k" : "d" });
    const timed = L.pipe(
      src,
      L.withTimestamps((e) => e.field("ts")),
    );
    // One stream type for the three keyings (they differ only in key fields).
    const keyed: Stream<Ev, object> =
      keying === "aligned" || keying === "device-to-k"
        ? L.pipe(timed, L.keyBy("k"))
        : keying === "device-aligned"
          ? L.pipe(timed, L.keyBy("d"))
          : L.pipe(timed, L.keyBy(["k", "d"]));
    return L.pipe(keyed, L.window(fn, opts), L.combine({ n: L.count(), ids: L.collect("id") }), sink("out"));
  });

/**
 * The same counts as {@link countPipeline} "aligned", but a `map` rewrites the
 * element (copying its fields), so the planner cannot prove cleanup exact and
 * keeps every window to the end of input.
 */
export const keepAllPipeline = (fn: WindowFn, opts: WindowOptions = {}): Pipeline<never> =>
  L.pipeline("count", { version: 1 }, ({ source, sink }) =>
    L.pipe(
      source("ev", Ev, { key: "k" }),
      L.withTimestamps((e) => e.field("ts")),
      L.map((e) => ({ k: e.field("k"), ts: e.field("ts"), id: e.field("id") })),
      L.keyBy("k"),
      L.window(fn, opts),
      L.combine({ n: L.count(), ids: L.collect("id") }),
      sink("out"),
    ),
  );

/** Events of key `k` at the given times, ids 1, 2, … in that order. */
export const evs = (k: string, times: readonly number[], extra: Partial<Ev> = {}): Ev[] => times.map((ts, i) => ({ k, ts, id: i + 1, ...extra }));

/** One pane as a sink saw it: its output key (as values) and its rows in emission order. */
export interface SeenPane {
  readonly key: readonly unknown[];
  readonly rows: unknown[];
}

/** What {@link drive} observed. */
export interface Driven {
  /** Per sink, every pane in arrival order (a retraction is a pane with no rows). */
  readonly panes: Record<string, SeenPane[]>;
  /** Per sink, the final view. */
  readonly outputs: Record<string, unknown[]>;
  readonly late: LateElement[];
  readonly metrics: Record<string, StageMetrics>;
  readonly state: StateBackend;
  /** After each pushed record (and after finish): a snapshot taken by `probe`. */
  readonly probes: unknown[];
}

/**
 * Runs a pipeline like the DirectRunner (round robin over sources, each in its
 * own order) but records each sink's panes and lets `probe` look at the state
 * after every record. `state` may hold state already (a restart).
 */
export const drive = async (
  p: Pipeline<never>,
  inputs: Readonly<Record<string, readonly unknown[]>>,
  probe?: (state: StateBackend) => unknown,
  state: StateBackend = new MemoryStateBackend(),
): Promise<Driven> => {
  const plan = compile(p);
  const panes: Record<string, SeenPane[]> = {};
  const views = new Map<string, FinalView>();
  const late: LateElement[] = [];
  const metrics: Record<string, StageMetrics> = {};
  const probes: unknown[] = [];
  const onSink = (sink: string, e: Elem): void => {
    (views.get(sink) ?? views.set(sink, new FinalView()).get(sink)!).add(e);
    const list = (panes[sink] ??= []);
    if (e.marker) list.push({ key: e.pkv ?? [], rows: [] });
    else list[list.length - 1]!.rows.push(e.v);
  };
  const topo = buildTopology(
    plan,
    {
      registry: registryOf(p),
      state,
      onExecutorError: "fail",
      deadLetter: (d) => {
        throw new Error(`unexpected dead letter: ${JSON.stringify(d)}`);
      },
      late: (l) => late.push(l),
      metrics: (stage) => (metrics[stage] ??= newMetrics()),
    },
    onSink,
  );
  const queues = topo.sources.map((s) => ({ id: s.id, rows: [...(inputs[s.id] ?? [])], offset: 0 }));
  for (let live = queues.filter((q) => q.rows.length > 0); live.length > 0; live = live.filter((q) => q.offset < q.rows.length)) {
    for (const q of live) {
      await topo.push(q.id, { offset: q.offset + 1, value: q.rows[q.offset] });
      q.offset++;
      if (probe) probes.push(probe(state));
    }
  }
  await topo.finish();
  if (probe) probes.push(probe(state));
  const outputs = Object.fromEntries([...views].map(([k, v]) => [k, v.rows()]));
  return { panes, outputs, late, metrics, state, probes };
};

/** Pane summaries `[windowStart, n]` for combine panes (retractions as `[windowStart, null]`). */
export const paneCounts = (ps: readonly SeenPane[]): [unknown, unknown][] =>
  ps.map((p) => [p.key[1] ?? null, p.rows.length === 0 ? null : (p.rows[0] as { n: unknown }).n]);

/** A list sorted by canonical JSON, for comparing bags (late elements, dead letters). */
export const asSet = <T>(xs: readonly T[]): T[] =>
  xs
    .map((x) => [canonicalJson(x), x] as const)
    .sort((a, b) => compareStrings(a[0], b[0]))
    .map(([, x]) => x);

/** Late elements without their human-readable reason (asserted separately). */
export const lateFacts = (ls: readonly LateElement[]): Omit<LateElement, "reason">[] => ls.map(({ reason: _r, ...rest }) => rest);
