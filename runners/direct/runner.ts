/**
 * The DirectRunner: runs any definition in memory over finite inputs. It is
 * the reference semantics every other runner is compared with.
 *
 * Arrival order: every table is read to its end first (so point-in-time
 * lookups see all versions), then the sources are read in plan order, one
 * record from each in turn (round robin) — each source in its file order.
 * At the end of input every open window fires.
 *
 * With `onCheckpoint` the run also hands its engine state at the end of its
 * input — before that last firing — to a stream that continues from there
 * (docs/semantics.md §17): the batch part of a backfill.
 *
 * With `workers > 1` a plan that needs no exchange runs on that many worker
 * threads, split by source key (shards.ts), with the same output; any other
 * run goes on one thread and says why once (workers-choice.ts).
 *
 * @module
 */
import { DefinitionError } from "../../src/core/errors.ts";
import { assertHandoff, RecordingStateBackend } from "../../src/engine/checkpoint/index.ts";
import type { Checkpoint } from "../../src/engine/checkpoint/index.ts";
import { recordSourceKey } from "../../src/engine/edge.ts";
import { MemoryStateBackend } from "../../src/engine/index.ts";
import type { buildTopology, SinkView } from "../../src/engine/index.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import type { Plan } from "../../src/plan/ir.ts";
import { resolveDefinition } from "../../src/run/definition.ts";
import { iteratorOf, recordsOf, SOURCE_TURN } from "../../src/run/inputs.ts";
import type { InputSource } from "../../src/run/inputs.ts";
import { runProgress } from "../../src/run/progress.ts";
import type { RunProgress } from "../../src/run/progress.ts";
import type { RunResult } from "../../src/run/result.ts";
import type { RunOptions } from "../../src/run/options.ts";
import { directEngine } from "./engine.ts";
import type { DirectState } from "./engine.ts";
import type { WorkerRegistry } from "./shard-messages.ts";
import { runShards } from "./shards.ts";
import { holdsCode, singleThreadReason } from "./workers-choice.ts";

export { resolveDefinition, recordsOf };
export type { InputSource, RunResult, WorkerRegistry };

/** What a DirectRunner run needs besides the definition: the options every runner takes, and a checkpoint's receiver. */
export interface DirectRunOptions extends RunOptions {
  /**
   * Receives the handoff checkpoint: the engine state once every input is read, before the end of
   * input fires the open windows (the stream continuing from it must still see them open). A plan
   * that cannot hand off (docs/semantics.md §17) is refused before anything is read.
   */
  readonly onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /**
   * Worker threads to run on (default 1). A plan that needs no exchange — no edge cut by
   * src/engine/topology/partitioning.ts — runs split by source key over this many threads with the
   * same final views, dead letters, late elements and metrics (side outputs then come in their
   * written order, src/run/side-outputs.ts). Any other run goes on one thread and says why once
   * through `log`: a cut edge, state in LMDB, `onCheckpoint`, or code the workers cannot load.
   */
  readonly workers?: number;
  /**
   * How worker threads rebuild the registry when the plan references executors, combiners or
   * services (code cannot be sent to a thread): each imports `module` (a path or URL) and calls its
   * export `workerRegistry(arg)`, which must return the registry this run uses.
   */
  readonly workerRegistry?: WorkerRegistry;
  /** Where the one line saying why `workers` went unused goes (default: stderr). */
  readonly log?: (line: string) => void;
}

const isPromiseLike = <A>(x: A | Promise<A>): x is Promise<A> => typeof (x as { then?: unknown })?.then === "function";

/**
 * A finished run whose sinks are still to be read: each sink's final view (in LMDB with `state: "lmdb"`,
 * streamed out in order by `rows()`), and `close` to free them with the run's state.
 */
export interface DirectRunViews extends Omit<RunResult, "outputs"> {
  readonly views: Readonly<Record<string, SinkView>>;
  /** Threads the engine ran on: `workers` when the run was split, else 1. */
  readonly threads: number;
  /** Frees the views and the state (an LMDB environment is closed and, unless kept, removed). */
  close(): Promise<void>;
}

/** A DirectRunner run's result: the result every runner gives, and the threads the engine ran on. */
export interface DirectRunResult extends RunResult {
  /** Threads the engine ran on: `workers` when the run was split, else 1. */
  readonly threads: number;
}

/** Runs a definition to completion; every sink's final view becomes an array. */
export const runDirect = async (def: Pipeline | Plan | string, opts: DirectRunOptions): Promise<DirectRunResult> => {
  const run = await runDirectViews(def, opts);
  try {
    const outputs: Record<string, unknown[]> = {};
    for (const [name, view] of Object.entries(run.views)) {
      const rows = view.rows();
      outputs[name] = Array.isArray(rows) ? rows : [...rows];
    }
    const { views: _views, close: _close, ...rest } = run;
    return { ...rest, outputs };
  } finally {
    await run.close();
  }
};

/**
 * Runs a definition to completion and hands back its final views unread, so a caller can stream a
 * view larger than the heap to a file (`lockstep run --state lmdb`). The caller must `close` it.
 */
export const runDirectViews = async (def: Pipeline | Plan | string, opts: DirectRunOptions): Promise<DirectRunViews> => {
  const { plan, registry } = resolveDefinition(def, opts.registry, opts.params);
  const workers = opts.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1)
    throw new DefinitionError("workers", `${workers} is not a whole number of threads`, "give workers a whole number ≥ 1 (1: this thread only)");
  if (opts.onCheckpoint) {
    assertHandoff(plan);
    if (opts.state !== undefined && opts.state !== "memory")
      throw new DefinitionError(
        "state",
        "a handoff checkpoint is recorded from state in memory; a run with state in LMDB cannot write one yet",
        "write the checkpoint from a run with state in memory (drop --state lmdb)",
      );
  }
  // Checked before any state is opened: tables first, then sources, as they are read.
  const names = [...plan.nodes.filter((n) => n.op === "table"), ...plan.nodes.filter((n) => n.op === "source")].map((n) => n.id);
  const missing = names.filter((n) => opts.inputs[n] === undefined);
  if (missing.length > 0) {
    throw new DefinitionError(
      "inputs",
      `no input for ${missing.map((m) => `"${m}"`).join(", ")} of pipeline "${plan.name}"`,
      `give one per source and table, e.g. ${missing.map((m) => `--in ${m}=path.jsonl`).join(" ")}`,
    );
  }
  const extra = Object.keys(opts.inputs).filter((n) => !names.includes(n));
  if (extra.length > 0) {
    throw new DefinitionError(
      "inputs",
      `pipeline "${plan.name}" has no source or table ${extra.map((m) => `"${m}"`).join(", ")}`,
      `use the names ${names.join(", ")}`,
    );
  }

  if (workers > 1) {
    const why = singleThreadReason(plan, {
      registry,
      registryReloadable: opts.workerRegistry !== undefined,
      state: opts.state,
      handoff: opts.onCheckpoint !== undefined,
    });
    if (why === undefined) {
      const run = await runShards(plan, {
        workers,
        inputs: opts.inputs,
        onExecutorError: opts.onExecutorError ?? "fail",
        ...(opts.progress === undefined ? {} : { progress: opts.progress }),
        // Without code to load, the workers need no registry module (and a Plan JSON needs none).
        ...(opts.workerRegistry && holdsCode(registry) ? { registry: opts.workerRegistry } : {}),
      });
      return { plan, ...run, threads: workers, close: async () => {} };
    }
    (opts.log ?? ((l) => process.stderr.write(`lockstep[direct]: ${l}\n`)))(`workers ${workers}: ${why}; running on one thread`);
  }

  const recording = opts.onCheckpoint ? new RecordingStateBackend() : undefined;
  const state: DirectState = recording ?? (await stateBackendOf(opts.state));
  const { topo, views, deadLetters, late, metrics } = directEngine(plan, registry, state, opts.onExecutorError ?? "fail");

  const progress = runProgress("direct", opts.inputs, { enabled: opts.progress });
  try {
    const cut = await readAll(topo, opts.inputs, progress, recording);
    if (recording) {
      await topo.flush();
      await opts.onCheckpoint!(recording.checkpoint(plan, cut));
    }
    progress.stage("firing windows");
    await topo.finish();
  } catch (e) {
    await state.close?.();
    throw e;
  } finally {
    progress.done();
  }
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await state.close?.();
  };
  return { plan, views: Object.fromEntries(views), deadLetters, late, metrics, threads: 1, close };
};

/**
 * The run's state backend. LMDB is imported only when asked for, so a run in memory never loads it
 * (start-up time: test/cli/lazy-libraries.test.ts).
 */
const stateBackendOf = async (choice: DirectRunOptions["state"]): Promise<DirectState> => {
  if (choice === undefined || choice === "memory") return new MemoryStateBackend();
  const { LmdbStateBackend } = await import("../../src/engine/lmdb-state.ts");
  return new LmdbStateBackend(choice === "lmdb" ? {} : choice.lmdb);
};

/**
 * Pushes every input through the topology in the DirectRunner's arrival order (see the module doc);
 * returns the records read per source. With `recording`, each source record's source key is the
 * route of the state it writes, and its async results are delivered before the next record.
 */
const readAll = async (
  topo: ReturnType<typeof buildTopology>,
  inputs: DirectRunOptions["inputs"],
  progress: RunProgress,
  recording?: RecordingStateBackend,
): Promise<Record<string, number>> => {
  // Tables first, each to its end.
  for (const t of topo.tables) {
    progress.stage(`reading table ${t.id}`);
    const it = iteratorOf(inputs[t.id]!, t.schema, progress.input(t.id));
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const p = topo.push(t.id, r.value);
      if (p) await p;
    }
  }
  // Then sources, round robin, each in its own order.
  progress.stage("reading sources");
  const read: Record<string, number> = {};
  for (const s of topo.sources) read[s.id] = 0;
  let live = topo.sources.map((s) => ({ id: s.id, node: s, it: iteratorOf(inputs[s.id]!, s.schema, progress.input(s.id)) }));
  while (live.length > 0) {
    const next: typeof live = [];
    for (const s of live) {
      // Take a run of records per turn: awaiting an iterator per record costs more than the record itself.
      let more = true;
      for (let i = 0; i < SOURCE_TURN && more; i++) {
        const r0 = s.it.next();
        const r = isPromiseLike(r0) ? await r0 : r0;
        if (r.done) {
          more = false;
          break;
        }
        read[s.id]!++;
        if (recording) recording.route = r.value.error === undefined ? recordSourceKey(s.node, r.value.value) : null;
        const p = topo.push(s.id, r.value);
        if (p) await p;
        if (recording) await topo.flush();
      }
      if (more) next.push(s);
    }
    live = next;
  }
  return read;
};

/** The DirectRunner as an object, for code that picks a runner at launch. */
export class DirectRunner {
  readonly name = "direct";
  constructor(private readonly defaults: Omit<DirectRunOptions, "inputs"> = {}) {}
  /** Runs `def` over `inputs`; see {@link runDirect}. */
  run(def: Pipeline | Plan | string, opts: DirectRunOptions): Promise<RunResult> {
    return runDirect(def, { ...this.defaults, ...opts });
  }
}
