/**
 * A DirectRunner run on several worker threads, for a plan that needs no
 * exchange (src/engine/topology/partitioning.ts: no edge is cut). Each worker
 * runs the ordinary engine over one shard of the source keys: this thread
 * reads every input, sends each table record to every shard (lookups read a
 * table whole) and each source record to the shard of its source key
 * (`hash(recordSourceKey) % workers`; a record that is not an object, or of
 * an unkeyed source, to shard 0), in batches. Reading stays in the
 * DirectRunner's arrival order (tables, then sources round robin), so each
 * shard sees a subsequence of the one-thread order, which keeps every source
 * key's order (docs/semantics.md §2).
 *
 * At the end each shard fires its open windows and sends back its final
 * views, side outputs and metrics. A sink's final view is sorted by one total
 * order, so the shards' panes merged into one view give the one-thread rows
 * (FinalView.merge); dead letters and late elements come back in the written
 * order (src/run/side-outputs.ts) — on one thread they are in arrival order;
 * metrics are summed (a table's from shard 0 only: every shard reads it).
 *
 * A failure in any shard fails the run; which failing element is named may
 * differ from the one-thread run (the first shard to report wins).
 *
 * @module
 */
import type { Worker } from "node:worker_threads";
import { recordSourceKey } from "../../src/engine/edge.ts";
import { FinalView, newMetrics } from "../../src/engine/index.ts";
import type { DeadLetter, LateElement, OnExecutorError, RawRecord, StageMetrics } from "../../src/engine/index.ts";
import type { Plan, SourceNode } from "../../src/plan/ir.ts";
import { iteratorOf, SOURCE_TURN } from "../../src/run/inputs.ts";
import type { InputSource } from "../../src/run/inputs.ts";
import { runProgress } from "../../src/run/progress.ts";
import { sideOutputOrder } from "../../src/run/side-outputs.ts";
import { siblingModule, startWorker } from "../../src/run/worker-thread.ts";
import { errorFromMessage } from "./shard-errors.ts";
import type { FromShard, ShardData, ToShard, WorkerRegistry } from "./shard-messages.ts";

/** Records per batch: large enough that posting costs little per record, small enough to keep every worker fed. */
const BATCH = 4096;
/** Batches a shard may have unanswered: bounds the memory of records read ahead of a slower worker. */
const IN_FLIGHT = 4;

/** What a sharded run needs. */
export interface ShardRunOptions {
  readonly workers: number;
  readonly inputs: Readonly<Record<string, InputSource>>;
  /** How the workers rebuild the registry; absent when the plan references no code. */
  readonly registry?: WorkerRegistry;
  readonly onExecutorError: OnExecutorError;
  readonly progress?: boolean;
}

/** A sharded run's merged results. */
export interface ShardedRun {
  readonly views: Readonly<Record<string, FinalView>>;
  readonly deadLetters: readonly DeadLetter[];
  readonly late: readonly LateElement[];
  readonly metrics: Readonly<Record<string, StageMetrics>>;
}

type Done = Extract<FromShard, { kind: "done" }>;

const isPromiseLike = <A>(x: A | Promise<A>): x is Promise<A> => typeof (x as { then?: unknown })?.then === "function";

/** The shard of a source key's text: FNV-1a over its UTF-16 code units (any fixed hash would do: no output depends on it). */
export const shardOf = (key: string | null, shards: number): number => {
  if (key === null) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % shards;
};

/** One worker thread, its batch being filled, and the batches it has not answered. */
class Shard {
  private readonly worker: Worker;
  private inputs: number[] = [];
  private records: RawRecord[] = [];
  private inFlight = 0;
  private onAck: (() => void) | undefined;
  private failure: Error | undefined;
  private finished = false;
  readonly done: Promise<Done>;

  constructor(data: ShardData) {
    this.worker = startWorker(siblingModule(import.meta.url, "shard-worker"), data);
    let done!: (d: Done) => void;
    let failed!: (e: Error) => void;
    this.done = new Promise((res, rej) => ((done = res), (failed = rej)));
    // Awaited at the end (or never, after another shard failed): no unhandled rejection meanwhile.
    this.done.catch(() => {});
    const fail = (e: Error) => {
      if (this.failure || this.finished) return;
      this.failure = e;
      failed(e);
      this.onAck?.();
    };
    this.worker.on("message", (m: FromShard) => {
      if (m.kind === "ack") {
        this.inFlight--;
        this.onAck?.();
      } else if (m.kind === "done") {
        this.finished = true;
        done(m);
      } else fail(errorFromMessage(m.error));
    });
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`a DirectRunner worker thread exited (code ${code}) before the end of its input`)));
  }

  /** The worker's failure, once it failed. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Adds a record to the batch; returns a promise when the batch went out and had to wait for room. */
  add(input: number, record: RawRecord): void | Promise<void> {
    this.inputs.push(input);
    this.records.push(record);
    if (this.records.length >= BATCH) return this.flush();
  }

  /** Sends the batch being filled, once fewer than {@link IN_FLIGHT} are unanswered. */
  async flush(): Promise<void> {
    while (this.inFlight >= IN_FLIGHT && !this.failure) await new Promise<void>((res) => (this.onAck = res));
    this.onAck = undefined;
    if (this.failure) throw this.failure;
    if (this.records.length === 0) return;
    this.post({ kind: "records", inputs: this.inputs, records: this.records });
    this.inFlight++;
    this.inputs = [];
    this.records = [];
  }

  /** Sends what is left and the end of input; resolves with the shard's results. */
  async end(): Promise<Done> {
    await this.flush();
    this.post({ kind: "end" });
    return this.done;
  }

  private post(m: ToShard): void {
    this.worker.postMessage(m);
  }

  async stop(): Promise<void> {
    this.finished = true;
    await this.worker.terminate();
  }
}

/** Runs `plan` (validated, needing no exchange) on `opts.workers` worker threads; see the module doc. */
export const runShards = async (plan: Plan, opts: ShardRunOptions): Promise<ShardedRun> => {
  const tables = plan.nodes.filter((n) => n.op === "table");
  const sources = plan.nodes.filter((n): n is SourceNode => n.op === "source");
  const inputIds = [...tables, ...sources].map((n) => n.id);
  const data: ShardData = { plan, onExecutorError: opts.onExecutorError, inputIds, ...(opts.registry ? { registry: opts.registry } : {}) };
  const shards = Array.from({ length: opts.workers }, () => new Shard(data));
  const progress = runProgress("direct", opts.inputs, { enabled: opts.progress });
  try {
    // Read while the workers start: what is posted before a worker listens waits in its port, and
    // at most IN_FLIGHT batches each go unanswered, so a slow start only holds the reading up.
    // Tables first, each to its end, every record to every shard.
    for (const [t, node] of tables.entries()) {
      progress.stage(`reading table ${node.id}`);
      const it = iteratorOf(opts.inputs[node.id]!, node.schema, progress.input(node.id));
      for (let r = await it.next(); !r.done; r = await it.next())
        for (const s of shards) {
          const p = s.add(t, r.value);
          if (p) await p;
        }
    }
    // Then sources, round robin in runs (as on one thread), each record to its source key's shard.
    progress.stage("reading sources");
    let live = sources.map((node, i) => ({ node, input: tables.length + i, it: iteratorOf(opts.inputs[node.id]!, node.schema, progress.input(node.id)) }));
    while (live.length > 0) {
      const next: typeof live = [];
      for (const s of live) {
        let more = true;
        for (let i = 0; i < SOURCE_TURN; i++) {
          const r0 = s.it.next();
          const r = isPromiseLike(r0) ? await r0 : r0;
          if (r.done) {
            more = false;
            break;
          }
          const key = r.value.error === undefined ? recordSourceKey(s.node, r.value.value) : null;
          const p = shards[shardOf(key, shards.length)]!.add(s.input, r.value);
          if (p) await p;
        }
        if (more) next.push(s);
        // A failed shard (e.g. its registry module did not load) ends the run now, not at the end of input.
        const failed = shards.find((sh) => sh.failed)?.failed;
        if (failed) throw failed;
      }
      live = next;
    }
    progress.stage("firing windows");
    const results = await Promise.all(shards.map((s) => s.end()));
    return merge(plan, results);
  } finally {
    progress.done();
    await Promise.all(shards.map((s) => s.stop()));
  }
};

/** The shards' results as one run's (see the module doc). */
const merge = (plan: Plan, results: readonly Done[]): ShardedRun => {
  const tableIds = new Set(plan.nodes.filter((n) => n.op === "table").map((n) => n.id));
  const views: Record<string, FinalView> = {};
  for (const n of plan.nodes) if (n.op === "sink") views[n.id] = FinalView.merge(results.map((r) => r.views[n.id]!));
  // A table's dead letters and counters are those of its one reading: every shard read it whole.
  const deadLetters = sideOutputOrder(results.flatMap((r, i) => (i === 0 ? r.deadLetters : r.deadLetters.filter((d) => !tableIds.has(d.source)))));
  const late = sideOutputOrder(results.flatMap((r) => r.late));
  const metrics: Record<string, StageMetrics> = {};
  for (const [i, r] of results.entries()) {
    for (const [stage, m] of Object.entries(r.metrics)) {
      if (i > 0 && tableIds.has(stage)) continue;
      const sum = (metrics[stage] ??= newMetrics());
      for (const k of Object.keys(m) as (keyof StageMetrics)[]) sum[k] += m[k];
    }
  }
  return { views, deadLetters, late, metrics };
};
