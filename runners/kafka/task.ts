/**
 * A task: one sub-topology on one partition. It owns the engine operators for
 * its stages, their state (with changelog), and the records produced while
 * processing, which the runner commits atomically with the input offsets.
 *
 * @module
 */
import { canonicalJson } from "../../src/core/canonical.ts";
import { copyFields } from "../../src/core/fields.ts";
import { boundDeadLetter } from "../../src/engine/dead-letter.ts";
import { dedupeIdOf } from "../../src/engine/ops/dedupe.ts";
import type { Elem } from "../../src/engine/elem.ts";
import type { KeyedStore } from "../../src/engine/state.ts";
import type { EngineContext, StageMetrics } from "../../src/engine/operator.ts";
import { buildTopology } from "../../src/engine/topology.ts";
import type { Topology } from "../../src/engine/topology.ts";
import { parseMessage } from "../../src/io/jsonl.ts";
import type { InputRecord } from "../../src/io/records.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { ChangelogState } from "./changelog-state.ts";
import type { TaskState } from "./changelog-state.ts";
import type { InMessage, OutMessage } from "./client.ts";
import { decodeWire, encodeElem, encodeEoi } from "./envelope.ts";
import type { Layout, SubTopology } from "./layout.ts";
import { partitionFor } from "./murmur2.ts";

/** The header carrying a record's line in its input file (bounded runs), so dead letters name the line. */
export const OFFSET_HEADER = "lockstep-offset";
/** The header carrying a sink record's output key as values (for sorting the final view). */
export const PKV_HEADER = "lockstep-output-key";
/**
 * The header carrying a sink record's pane: the stage, key and window it
 * belongs to. The final view keeps the last record per pane (two aggregates
 * flattened into one sink may share an output key; their panes stay apart).
 */
export const PANE_HEADER = "lockstep-pane";

/**
 * A sink record's Kafka key: the output key as JSON, an object of the key
 * fields (in keyBy order) plus `windowStart`/`windowEnd` for a windowed pane,
 * as Kafka Streams' windowed serdes key windowed results.
 */
export const sinkKeyOf = (kv: Readonly<Record<string, unknown>>, pkv: readonly unknown[]): string => {
  const fields = Object.keys(kv);
  const windowed = pkv.length === fields.length + 2;
  if (!windowed) return JSON.stringify(kv);
  const key = copyFields(kv);
  key.windowStart = pkv[fields.length];
  key.windowEnd = pkv[fields.length + 1];
  return JSON.stringify(key);
};

/** The input record in a source or table message, judged by the same rules as a JSONL line (its bytes when not UTF-8). */
const recordOfMessage = (m: InMessage, offset: number): InputRecord => parseMessage(m.value, m.invalidUtf8, offset);

/** Options shared by every task of a runner. */
export interface TaskOptions {
  readonly plan: Plan;
  readonly registry: Registry;
  readonly layout: Layout;
  readonly onExecutorError: EngineContext["onExecutorError"];
  readonly metrics: (stage: string) => StageMetrics;
}

/** The changelog topic of each of `sub`'s stages that has one (its stateful stages), else undefined. */
export const changelogTopicOf = (sub: SubTopology, layout: Layout): ((stage: string) => string | undefined) => {
  const stateful = new Set(sub.stateful);
  return (stage) => (stateful.has(stage) ? layout.changelogTopic(stage) : undefined);
};

/** One sub-topology on one partition. */
export class Task {
  readonly id: string;
  readonly state: TaskState;
  private readonly topo: Topology;
  private out: OutMessage[] = [];
  /** Rows of panes opened while processing one record, flushed as one sink message each. */
  private readonly panes = new Map<string, { sink: string; kv: Readonly<Record<string, unknown>>; pkv: readonly unknown[]; rows: unknown[] }>();
  /**
   * Upstream tasks that have ended, per repartition topic. Kept in the state of
   * the keyed stage the topic feeds (so in its changelog): a task rebuilt after
   * a rebalance or restart resumes after the end-of-input markers it already
   * committed, and must still know they came.
   */
  private readonly ended = new Map<string, KeyedStore<true>>();
  finished = false;
  /** The id function of every dedupe stage, which repartition topics into it are routed by. */
  private readonly idOf = new Map<string, (v: unknown) => string>();

  constructor(
    readonly sub: SubTopology,
    readonly partition: number,
    private readonly o: TaskOptions,
    /** The task's state (default: in memory, see changelog-state.ts). */
    state?: TaskState,
  ) {
    this.id = `${sub.id}-${partition}`;
    this.state = state ?? new ChangelogState(partition, changelogTopicOf(sub, o.layout));
    const names = o.layout.names;
    const ctx: EngineContext = {
      registry: o.registry,
      state: this.state,
      onExecutorError: o.onExecutorError,
      deadLetter: (d) => this.out.push({ topic: names.deadLetters(), partition: 0, key: null, value: JSON.stringify(boundDeadLetter(d)) }),
      late: (l) => this.out.push({ topic: names.late(), partition: 0, key: null, value: JSON.stringify(l) }),
      metrics: o.metrics,
    };
    this.topo = buildTopology(o.plan, ctx, (sink, e) => this.toSink(sink, e), {
      only: sub.nodes,
      boundary: (to, port, e) => this.toRepartition(to, port, e),
    });
    for (const n of o.plan.nodes) if (n.op === "dedupe") this.idOf.set(n.id, dedupeIdOf(n));
    for (const i of sub.inputs) if (i.kind === "repartition") this.ended.set(i.topic, this.state.store<true>(i.to, `lockstep.eoi.${i.port}`));
  }

  private toSink(sink: string, e: Elem): void {
    if (e.pk === undefined) {
      if (e.marker) return;
      const key = canonicalJson(e.v);
      this.out.push({ topic: this.o.layout.names.sink(sink), partition: partitionFor(key, this.o.layout.partitions), key: null, value: JSON.stringify(e.v) });
      return;
    }
    if (e.marker) {
      this.panes.set(`${sink}\u0000${e.pk}`, { sink, kv: e.kv ?? {}, pkv: e.pkv ?? [], rows: [] });
      return;
    }
    const id = `${sink}\u0000${e.pk}`;
    let p = this.panes.get(id);
    if (!p) this.panes.set(id, (p = { sink, kv: e.kv ?? {}, pkv: e.pkv ?? [], rows: [] }));
    p.rows.push(e.v);
  }

  private toRepartition(to: string, port: number, e: Elem): void {
    const topic = this.o.layout.repartitionTopic(to, port);
    // Into a dedupe: routed by the element's id (layout.ts); into a keyed stage: by its stage key.
    const idOf = this.idOf.get(to);
    const k = idOf && !e.marker ? idOf(e.v) : (e.k ?? "");
    this.out.push({ topic, partition: partitionFor(k, this.o.layout.partitions), key: k, value: encodeElem(e) });
  }

  /** A sink message per pane: the row, an array for several rows, a tombstone for none. */
  private flushPanes(): void {
    if (this.panes.size === 0) return; // after most records: no iterator to make
    for (const [id, p] of this.panes) {
      const pk = id.slice(id.indexOf("\u0000") + 1);
      const value = p.rows.length === 0 ? null : JSON.stringify(p.rows.length === 1 ? p.rows[0] : p.rows);
      // Keyed by the output key (for users); the pane and the output key as values (for sorting the
      // final view like every runner) travel in headers.
      const key = sinkKeyOf(p.kv, p.pkv);
      this.out.push({
        topic: this.o.layout.names.sink(p.sink),
        partition: partitionFor(key, this.o.layout.partitions),
        key,
        value,
        headers: { [PANE_HEADER]: pk, [PKV_HEADER]: JSON.stringify(p.pkv) },
      });
    }
    this.panes.clear();
  }

  /**
   * Loads every version of a table this task looks up. Every task loads the
   * whole table (again whenever it is rebuilt); only one (`report`) keeps the
   * table's dead letters and counts its rows, and only the first time: that they were reported is
   * kept in the task's changelog, committed with them, so they are reported
   * exactly once across restarts and rebalances. (A task without any logged
   * stage cannot remember it and reports them each time it is rebuilt.)
   */
  async loadTable(table: string, records: readonly InMessage[], report: boolean): Promise<void> {
    const before = this.out.length;
    // Counters likewise: the table is read once per run, not once per task that loads it.
    const logged = this.sub.stateful[0];
    const reported = logged === undefined ? undefined : this.state.store<true>(logged, "lockstep.tables-reported");
    const counted = report && !reported?.get(table);
    const stages = [table, ...this.o.plan.nodes.filter((n) => n.op === "lookup" && n.table === table && this.sub.nodes.has(n.id)).map((n) => n.id)];
    const saved = counted ? [] : stages.map((s) => ({ ...this.o.metrics(s) }));
    for (const r of records) {
      const line = r.headers[OFFSET_HEADER];
      if (r.value === null) continue; // a tombstone of the compacted table topic, not a row
      const rec = recordOfMessage(r, line !== undefined ? Number(line) : r.offset);
      const p = this.topo.push(table, line !== undefined ? rec : { ...rec, partition: r.partition });
      if (p) await p;
    }
    if (!counted) {
      this.out.length = before;
      stages.forEach((s, i) => Object.assign(this.o.metrics(s), saved[i]));
    } else reported?.set(table, true);
  }

  /** Wall-clock time (ms) this task last received a record, for idle firing. */
  lastActivity = Date.now();
  /** The element time up to which idle firing has already advanced. */
  private advancedTo = -Infinity;

  /**
   * An idle task: fires windows that ended by its largest element clock plus
   * the wall-clock time since its last record. Clocks are untouched, so this
   * never changes which elements are late (docs/semantics.md §8–9).
   */
  async idle(now: number): Promise<boolean> {
    const base = this.topo.maxClock();
    if (!Number.isFinite(base)) return false;
    const time = base + (now - this.lastActivity);
    if (time <= this.advancedTo) return false;
    this.advancedTo = time;
    const before = this.out.length;
    await this.topo.advance(time);
    this.flushPanes();
    return this.out.length > before;
  }

  /**
   * Processes one input record: a promise only when a stage is still working on it (an async
   * executor), undefined when it is done — most records, which then cost no promise or microtask.
   */
  process(
    input: { kind: "source"; source: string } | { kind: "repartition"; to: string; port: number; topic: string },
    m: InMessage,
  ): Promise<void> | undefined {
    this.lastActivity = Date.now();
    let r: Promise<void> | void | undefined;
    if (input.kind === "source") {
      const line = m.headers[OFFSET_HEADER];
      const offset = line !== undefined ? Number(line) : m.offset;
      const rec = recordOfMessage(m, offset);
      r = this.topo.push(input.source, line !== undefined ? rec : { ...rec, partition: m.partition });
    } else {
      const w = decodeWire(m.value ?? "{}");
      if ("eoi" in w) this.ended.get(input.topic)!.set(w.eoi, true);
      else r = this.topo.inject(input.to, input.port, w.elem);
    }
    if (r) return r.then(() => this.flushPanes());
    this.flushPanes();
    return undefined;
  }

  /** True when every repartition input has heard end-of-input from all upstream tasks. */
  upstreamEnded(): boolean {
    for (const s of this.ended.values()) if ([...s.keys()].length < this.o.layout.partitions) return false;
    return true;
  }

  /** End of input: fires every window, then tells downstream tasks. */
  async finish(): Promise<void> {
    await this.topo.finish();
    this.flushPanes();
    for (const topic of this.sub.outputs.values()) {
      for (let p = 0; p < this.o.layout.partitions; p++) this.out.push({ topic, partition: p, key: null, value: encodeEoi(this.id) });
    }
    this.finished = true;
  }

  /** Lets async stages deliver what they hold, so a commit covers only finished work. */
  async flush(): Promise<void> {
    await this.topo.flush();
    this.flushPanes();
  }

  /** Records produced and not yet drained (sink panes are counted when their record ends). */
  pending(): number {
    return this.out.length;
  }

  /** Takes the records produced since the last call, changelog writes included. */
  drain(): OutMessage[] {
    const out = this.out;
    this.out = [];
    return out.concat(this.state.drain());
  }
}
