/**
 * One KafkaStreamRunner instance: a member of the pipeline's consumer group
 * running the tasks of the partitions it is assigned. Any number of instances
 * may run; they split the work by partition.
 *
 * Exactly-once (default): each task has its own transactional producer (the
 * per-partition model kafkajs supports); the records a batch produced — sink
 * rows, repartition records, changelog writes, dead letters — and the batch's
 * input offsets are committed in one transaction. After a failed commit the
 * task is rebuilt from its changelog and its input re-read from the committed
 * offset, after a backoff during which its partition is paused. At-least-once
 * sends, then commits offsets.
 *
 * Taking over a task (at start, after a rebalance or a failure) follows Kafka
 * Streams' order: first the task's transactional producer is initialized,
 * which fences the previous owner and aborts its open transaction; only then
 * are the changelogs restored and the committed offsets read. Records below
 * the committed offset that the consumer still delivers (the previous owner
 * committed them after the consumer had fetched) are skipped. Tasks are
 * created as soon as partitions are assigned, so a crashed owner's open
 * transactions are aborted at once, not when its transaction times out.
 *
 * Backpressure: records are processed as kafkajs delivers them, one batch at
 * a time, so fetching never runs ahead of processing; a batch whose outputs
 * grow past {@link MAX_PENDING} records is committed in parts, so the output
 * buffered in memory (and a transaction) stays bounded.
 *
 * State on disk (`state`): each task keeps its stores in an LMDB environment
 * of its own under the instance's state directory, with a checkpoint file
 * written at a clean close (a rebalance that moves the task away, a graceful
 * stop), so the task's next start restores only the changelog records after
 * it; a failed task, or a process killed, leaves none and the store is wiped
 * and restored in full (local-store.ts says why that is the correct thing).
 *
 * @module
 */
import { join } from "node:path";
import type { EngineContext, StageMetrics } from "../../src/engine/operator.ts";
import { newMetrics } from "../../src/engine/operator.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { RecordTooLargeError } from "./client.ts";
import type { GroupConsumer, InMessage, KafkaClient, OffsetCommit, Producer } from "./client.ts";
import type { InputTopic, Layout, SubTopology } from "./layout.ts";
import type { LmdbStateBackend } from "../../src/engine/lmdb-state.ts";
import type { TaskState } from "./changelog-state.ts";
import { LmdbChangelogState } from "./lmdb-changelog-state.ts";
import { closeTaskStore, openTaskStore } from "./local-store.ts";
import { changelogTopicOf, Task } from "./task.ts";

/** Delivery guarantee. */
export type Guarantee = "exactly-once" | "at-least-once";

/** How an instance runs. */
export interface InstanceOptions {
  readonly client: KafkaClient;
  readonly plan: Plan;
  readonly registry: Registry;
  readonly layout: Layout;
  readonly groupId: string;
  readonly guarantee: Guarantee;
  readonly onExecutorError: EngineContext["onExecutorError"];
  /**
   * Bounded runs: the end offset of every source partition at start. A task
   * ends when its sources reach them and every upstream task has ended.
   */
  readonly ends?: ReadonlyMap<string, readonly number[]>;
  /**
   * Unbounded runs: after this long (ms) without records a task fires the
   * windows that ended by its clock plus the idle time (default 5000; 0 off).
   */
  readonly idleMs?: number;
  /** Shared across instances of one bounded run: ids of tasks that ended. */
  readonly finishedTasks?: Set<string>;
  /**
   * Shared across instances of one bounded run: records known committed, per
   * `topic/partition` (a lower bound: a commit whose answer was lost is not
   * counted). The run checks what it reads back against it.
   */
  readonly committedRecords?: Map<string, number>;
  /** Structured log lines. */
  readonly log?: (event: Record<string, unknown>) => void;
  /**
   * Keep task state on disk in LMDB under `dir` (this instance's own directory: one task
   * directory each, with its checkpoint file), `cacheEntries` values cached per task. Default: memory.
   */
  readonly state?: { readonly dir: string; readonly cacheEntries?: number };
}

/** A task's store on disk while the task runs. */
interface LocalStore {
  readonly dir: string;
  readonly backend: LmdbStateBackend;
  /**
   * Per changelog topic: the store holds every record of the task's partition before this offset —
   * where its restore read to, then where its own committed writes ended (the checkpoint's offsets).
   */
  readonly ends: Map<string, number>;
}

/** Records a task may buffer before it commits in the middle of a batch. */
export const MAX_PENDING = 20_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A running instance. */
export class KafkaStreamInstance {
  private consumer: GroupConsumer | undefined;
  private readonly tasks = new Map<string, Task>();
  private readonly producers = new Map<string, Producer>();
  private shared: Producer | undefined;
  private owned: number[] = [];
  private readonly positions = new Map<string, number>();
  /**
   * Per input `topic/partition`: records known to be in the partition past the last batch fetched
   * (its high watermark then, minus where the fetch ended). A partition behind is not idle, however
   * long its task waits for the queue: see checkIdle.
   */
  private readonly behind = new Map<string, number>();
  private readonly tables = new Map<string, InMessage[]>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly backoffs = new Map<string, NodeJS.Timeout>();
  /** Consecutive failures per task, for the backoff. */
  private readonly failures = new Map<string, number>();
  private stopped = false;
  private failure: unknown;
  /** Counters per stage, summed over this instance's tasks. */
  readonly metrics: Record<string, StageMetrics> = {};
  /** Commit latencies (ms) of the last commits, for metrics. */
  readonly commitMs: number[] = [];
  private readonly commitListeners: ((ms: number, records: number) => void)[] = [];
  private readonly local = new Map<string, LocalStore>();
  /**
   * Changelog records read back to restore tasks, since the instance started: `full` by tasks that
   * restored the whole changelog, `tail` by tasks that restored after a checkpoint (state on disk).
   */
  readonly restored = { full: 0, tail: 0, tasksFull: 0, tasksTail: 0 };

  /** Tells `listener` each commit's duration (ms) and record count (the metrics histograms). */
  onCommit(listener: (ms: number, records: number) => void): void {
    this.commitListeners.push(listener);
  }

  constructor(private readonly o: InstanceOptions) {}

  /** Serializes work on tasks (batches, assignments and the end-of-input check). */
  private locked<A>(f: () => Promise<A>): Promise<A> {
    const run = this.queue.then(f, f);
    this.queue = run.catch(() => {});
    return run;
  }

  private inputOf(topic: string): { sub: SubTopology; input: InputTopic } {
    for (const sub of this.o.layout.subTopologies) for (const input of sub.inputs) if (input.topic === topic) return { sub, input };
    throw new Error(`topic ${topic} is not an input of this pipeline`);
  }

  /** Joins the group and starts processing. */
  async start(): Promise<void> {
    const { client, layout, plan } = this.o;
    for (const n of plan.nodes) if (n.op === "table") this.tables.set(n.id, await client.readAll(layout.names.table(n.id)));
    if (this.o.guarantee === "at-least-once") this.shared = await client.producer();
    const topics = [...new Set(layout.subTopologies.flatMap((s) => s.inputs.map((i) => i.topic)))];
    this.consumer = await client.groupConsumer(
      this.o.groupId,
      topics,
      {
        onAssign: (a) => {
          this.owned = [...new Set(Object.values(a).flat())].sort((x, y) => x - y);
          this.o.log?.({ event: "assigned", partitions: this.owned });
          void this.locked(() => this.reassign());
        },
        onBatch: (batch, heartbeat) => {
          if (batch.highWatermark !== undefined && batch.nextOffset !== undefined)
            this.behind.set(`${batch.topic}/${batch.partition}`, batch.highWatermark - batch.nextOffset);
          return this.locked(() => this.onBatch(batch, heartbeat));
        },
        onPassed: (p) => this.behind.set(`${p.topic}/${p.partition}`, p.highWatermark - p.nextOffset),
        onCrash: (e) => {
          this.o.log?.({ event: "consumer crashed", error: (e as Error)?.message });
          this.failure ??= e;
        },
      },
      { readCommitted: true },
    );
    if (this.o.ends) this.timer = setInterval(() => this.periodic(() => this.checkEnds()), 100);
    else if ((this.o.idleMs ?? 5000) > 0) {
      const idleMs = this.o.idleMs ?? 5000;
      this.timer = setInterval(() => this.periodic(() => this.checkIdle(idleMs)), Math.max(50, idleMs / 2));
    }
  }

  private periodicQueued = false;
  /**
   * Queues a periodic check (end of input, idle firing) unless one is still queued or running: a
   * check slower than its interval (idle firing scans a task's keys, which on disk means reading
   * them) would otherwise pile up in the queue ahead of the batches, until every task looked idle.
   */
  private periodic(check: () => Promise<void>): void {
    if (this.periodicQueued) return;
    this.periodicQueued = true;
    void this.locked(check).finally(() => (this.periodicQueued = false));
  }

  /** After a rebalance: drops the tasks of partitions we lost, takes over the ones we gained. */
  private async reassign(): Promise<void> {
    if (this.stopped) return;
    for (const [id, t] of this.tasks) if (!this.owned.includes(t.partition)) await this.dropTask(id, true);
    for (const [id, p] of this.producers) {
      if (!this.tasks.has(id)) {
        this.producers.delete(id);
        await p.close().catch(() => {});
      }
    }
    for (const p of this.owned) {
      for (const sub of this.o.layout.subTopologies) {
        if (this.stopped || !this.owned.includes(p)) return;
        try {
          await this.taskFor(sub, p);
        } catch (e) {
          // Not fatal: the task is created again when its first batch arrives.
          this.o.log?.({ event: "task takeover failed", task: `${sub.id}-${p}`, error: (e as Error).message });
        }
      }
    }
  }

  private async taskFor(sub: SubTopology, partition: number): Promise<Task> {
    const id = `${sub.id}-${partition}`;
    const existing = this.tasks.get(id);
    if (existing) return existing;
    const { client, layout, groupId } = this.o;
    const t0 = performance.now();
    // Fence the previous owner first (its open transaction is aborted), then read what it committed.
    if (this.o.guarantee === "exactly-once") {
      await this.producers
        .get(id)
        ?.close()
        .catch(() => {});
      this.producers.delete(id);
      this.producers.set(id, await client.producer({ transactionalId: `${groupId}-${id}` }));
    }
    const opts = {
      plan: this.o.plan,
      registry: this.o.registry,
      layout,
      onExecutorError: this.o.onExecutorError,
      metrics: (stage: string) => (this.metrics[stage] ??= newMetrics()),
    };
    const topics = sub.stateful.map((stage) => ({ stage, topic: layout.changelogTopic(stage) }));
    let state: TaskState | undefined;
    let from: ReadonlyMap<string, number> = new Map();
    let wiped: string | undefined;
    if (this.o.state) {
      // A store left open by a start that failed half-way is closed first (without a checkpoint).
      await this.closeLocal(id, false);
      // The ends before reading: the store will hold at least everything before them.
      const ends = new Map<string, number>();
      for (const { topic } of topics) ends.set(topic, (await client.endOffsets(topic))[partition] ?? 0);
      const dir = join(this.o.state.dir, id);
      const opened = await openTaskStore(dir, id, ends, this.o.state.cacheEntries);
      this.local.set(id, { dir, backend: opened.backend, ends });
      ({ from, wiped } = opened);
      state = new LmdbChangelogState(partition, changelogTopicOf(sub, layout), opened.backend);
    }
    let restored = 0;
    let task: Task;
    const resumed: Record<string, number> = {};
    try {
      task = new Task(sub, partition, opts, state);
      for (const { stage, topic } of topics) {
        const start = from.get(topic) ?? 0;
        const records = await client.readAll(topic, [partition], start > 0 ? { from: start } : undefined);
        restored += records.length;
        task.state.restore(stage, records);
      }
      const reporter = layout.subTopologies.find((s) => s.tables.length > 0)?.id;
      for (const table of sub.tables) await task.loadTable(table, this.tables.get(table) ?? [], sub.id === reporter && partition === 0);
      for (const input of sub.inputs) {
        const committed = (await client.committedOffsets(groupId, input.topic))[partition] ?? -1;
        this.positions.set(`${input.topic}/${partition}`, Math.max(committed, 0));
        if (committed > 0) resumed[input.topic] = committed;
      }
    } catch (e) {
      // A task that did not start keeps no store open (and its next start wipes it: no checkpoint).
      await this.closeLocal(id, false);
      throw e;
    }
    const tail = this.o.state !== undefined && wiped === undefined;
    if (tail) {
      this.restored.tail += restored;
      this.restored.tasksTail++;
    } else {
      this.restored.full += restored;
      this.restored.tasksFull++;
    }
    if (this.o.finishedTasks?.has(id)) task.finished = true;
    this.tasks.set(id, task);
    this.o.log?.({
      event: "task started",
      task: id,
      ms: Math.round(performance.now() - t0),
      restored,
      ...(this.o.state ? { restoredFrom: tail ? "checkpoint" : "beginning", ...(wiped !== undefined ? { wiped } : {}) } : {}),
      ...(Object.keys(resumed).length > 0 ? { resumedAt: resumed } : {}),
    });
    return task;
  }

  /**
   * Forgets a task (its state is in the changelog) and closes its producer and store. `clean`: the
   * task is given up with its work committed (a rebalance, a stop), so its store on disk gets a
   * checkpoint — if nothing changed since its last commit; a failed task's store gets none.
   */
  private async dropTask(id: string, clean: boolean): Promise<void> {
    const task = this.tasks.get(id);
    this.tasks.delete(id);
    const p = this.producers.get(id);
    this.producers.delete(id);
    await p?.close().catch(() => {});
    await this.closeLocal(id, clean && task !== undefined && task.state.pendingWrites() === 0 && task.pending() === 0);
  }

  /** Closes a task's store on disk, if it has one, with a checkpoint when `clean`. */
  private async closeLocal(id: string, clean: boolean): Promise<void> {
    const local = this.local.get(id);
    if (!local) return;
    this.local.delete(id);
    try {
      await closeTaskStore(local.dir, id, local.backend, clean ? local.ends : undefined);
    } catch (e) {
      // Without a checkpoint the store is wiped when next opened: slower, never wrong.
      this.o.log?.({ event: "closing task store failed", task: id, error: (e as Error)?.message });
    }
  }

  private async commit(task: Task, offsets: readonly OffsetCommit[]): Promise<void> {
    await task.flush();
    const out = task.drain();
    const t0 = performance.now();
    let produced: ReadonlyMap<string, number>;
    if (this.o.guarantee === "exactly-once") produced = await this.producers.get(task.id)!.sendInTransaction(out, this.o.groupId, offsets);
    else {
      produced = await this.shared!.send(out);
      if (offsets.length > 0) await this.consumer!.commit(offsets);
    }
    // Where the task's own changelog writes ended: a checkpoint names these, never the topic's end.
    const local = this.local.get(task.id);
    if (local) {
      for (const [topic, end] of local.ends) {
        const at = produced.get(`${topic}/${task.partition}`);
        if (at !== undefined && at > end) local.ends.set(topic, at);
      }
    }
    const tally = this.o.committedRecords;
    if (tally) for (const m of out) tally.set(`${m.topic}/${m.partition}`, (tally.get(`${m.topic}/${m.partition}`) ?? 0) + 1);
    const ms = performance.now() - t0;
    this.commitMs.push(ms);
    if (this.commitMs.length > 100) this.commitMs.shift();
    for (const l of this.commitListeners) l(ms, out.length);
  }

  private async onBatch(batch: { topic: string; partition: number; messages: readonly InMessage[] }, heartbeat: () => Promise<void>): Promise<void> {
    // After a fatal error nothing more is processed or committed: a restart resumes at the failed records.
    if (this.stopped || this.failure !== undefined || batch.messages.length === 0) return;
    const { sub, input } = this.inputOf(batch.topic);
    const where = `${batch.topic}/${batch.partition}`;
    let task: Task | undefined;
    try {
      task = await this.taskFor(sub, batch.partition);
      // Records the previous owner already committed (fetched before it committed them) are skipped.
      const from = this.positions.get(where) ?? 0;
      const messages = batch.messages[0]!.offset >= from ? batch.messages : batch.messages.filter((m) => m.offset >= from);
      if (messages.length === 0) return;
      const how =
        input.kind === "source"
          ? ({ kind: "source", source: input.source } as const)
          : ({ kind: "repartition", to: input.to, port: input.port, topic: input.topic } as const);
      let n = 0;
      for (const m of messages) {
        const done = task.process(how, m);
        if (done) await done;
        this.positions.set(where, m.offset + 1);
        if (++n % 500 === 0) await heartbeat();
        // A batch with a very large output is committed in parts: memory and transactions stay bounded.
        if (task.pending() >= MAX_PENDING) {
          this.o.log?.({
            event: "partial commit",
            task: task.id,
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset + 1,
            records: task.pending(),
          });
          await this.commit(task, [{ topic: batch.topic, partition: batch.partition, offset: m.offset + 1 }]);
        }
      }
      const last = messages[messages.length - 1]!.offset;
      const finishing = this.o.ends !== undefined && !task.finished && this.complete(task);
      if (finishing) await task.finish();
      await this.commit(task, [{ topic: batch.topic, partition: batch.partition, offset: last + 1 }]);
      if (finishing) this.ended(task);
      this.failures.delete(task.id);
    } catch (e) {
      await this.failed(`${sub.id}-${batch.partition}`, e, { topic: batch.topic, partition: batch.partition, fallback: batch.messages[0]!.offset });
    }
  }

  /**
   * A batch or commit failed: the task's memory may hold effects of work that
   * was not committed, so it is rebuilt from its changelog; its input is read
   * again from the committed offset after a backoff (the partition is paused
   * meanwhile). An executor error (RunError) fails the run instead.
   */
  private async failed(taskId: string, e: unknown, at?: { topic: string; partition: number; fallback: number }): Promise<void> {
    const count = (this.failures.get(taskId) ?? 0) + 1;
    this.failures.set(taskId, count);
    this.o.log?.({ event: "batch failed", task: taskId, attempt: count, error: (e as Error)?.message });
    await this.dropTask(taskId, false);
    // An executor error, or a record Kafka can never store: retrying cannot help, the run fails.
    if ((e as Error)?.name === "RunError" || e instanceof RecordTooLargeError) {
      this.failure ??= e;
      return;
    }
    if (this.stopped || !at || !this.consumer || !this.owned.includes(at.partition)) return;
    let offset = at.fallback;
    try {
      const committed = (await this.o.client.committedOffsets(this.o.groupId, at.topic))[at.partition] ?? -1;
      if (committed >= 0) offset = committed;
    } catch {
      // The batch's first offset is a safe place to resume too: nothing before it is uncommitted.
    }
    this.consumer.seek(at.topic, at.partition, offset);
    const key = `${at.topic}/${at.partition}`;
    const delay = Math.min(100 * 2 ** (count - 1), 5000);
    this.consumer.pause(at.topic, [at.partition]);
    clearTimeout(this.backoffs.get(key));
    this.backoffs.set(
      key,
      setTimeout(() => {
        this.backoffs.delete(key);
        if (!this.stopped) this.consumer?.resume(at.topic, [at.partition]);
      }, delay),
    );
  }

  /** True when a bounded task has read all its input. */
  private complete(task: Task): boolean {
    for (const input of task.sub.inputs) {
      if (input.kind !== "source") continue;
      const end = this.o.ends!.get(input.topic)?.[task.partition] ?? 0;
      if ((this.positions.get(`${input.topic}/${task.partition}`) ?? 0) < end) return false;
    }
    return task.upstreamEnded();
  }

  /** A bounded task's end-of-input work is committed: it counts as ended (only now). */
  private ended(task: Task): void {
    this.o.finishedTasks?.add(task.id);
    this.o.log?.({ event: "task ended", task: task.id });
  }

  /** Bounded runs: ends tasks whose input is complete even if no batch arrives (empty partitions). */
  private async checkEnds(): Promise<void> {
    for (const p of this.owned) {
      for (const sub of this.o.layout.subTopologies) {
        if (this.stopped || this.failure !== undefined) return;
        if (!this.owned.includes(p)) break;
        const id = `${sub.id}-${p}`;
        if (this.o.finishedTasks?.has(id)) continue;
        try {
          const task = await this.taskFor(sub, p);
          if (task.finished || !this.complete(task)) continue;
          await task.finish();
          await this.commit(task, []);
          this.ended(task);
          this.failures.delete(id);
        } catch (e) {
          await this.failed(id, e);
          // Back off before trying this task again (checkEnds runs every 100 ms).
          await sleep(Math.min(100 * 2 ** ((this.failures.get(id) ?? 1) - 1), 2000));
        }
      }
    }
  }

  /** Unbounded runs: idle tasks fire what is due by the time that passed (see `Task.idle`). */
  private async checkIdle(idleMs: number): Promise<void> {
    const now = Date.now();
    for (const task of [...this.tasks.values()]) {
      if (this.stopped || this.failure !== undefined) return;
      if (now - task.lastActivity < idleMs || !this.owned.includes(task.partition)) continue;
      // A task whose input is still coming is waiting for the queue, not idle: firing it would scan
      // its keys (reads of every one, with state on disk) while its records wait.
      if (task.sub.inputs.some((i) => (this.behind.get(`${i.topic}/${task.partition}`) ?? 0) > 0)) continue;
      try {
        if (await task.idle(now)) await this.commit(task, []);
      } catch (e) {
        await this.failed(task.id, e);
      }
    }
  }

  /** Records not yet processed, per owned input partition. */
  async lag(): Promise<{ topic: string; partition: number; lag: number }[]> {
    const out: { topic: string; partition: number; lag: number }[] = [];
    const topics = [...new Set(this.o.layout.subTopologies.flatMap((s) => s.inputs.map((i) => i.topic)))];
    for (const topic of topics) {
      const ends = await this.o.client.endOffsets(topic);
      for (const p of this.owned) out.push({ topic, partition: p, lag: Math.max(0, (ends[p] ?? 0) - (this.positions.get(`${topic}/${p}`) ?? 0)) });
    }
    return out;
  }

  /** The first fatal error (an executor that threw, a crashed consumer), if any. */
  error(): unknown {
    return this.failure;
  }

  /**
   * A task that never had a batch may still hold work of its start (a table's dead letters, the note
   * that they were reported): it is committed at a graceful stop, like an idle firing, so a store on
   * disk can be closed with a checkpoint. Nothing is committed after a fatal error, as anywhere else.
   */
  private async commitLeftovers(): Promise<void> {
    for (const task of [...this.tasks.values()]) {
      if (this.failure !== undefined || (task.pending() === 0 && task.state.pendingWrites() === 0)) continue;
      try {
        await this.commit(task, []);
      } catch (e) {
        this.o.log?.({ event: "commit at stop failed", task: task.id, error: (e as Error)?.message });
        await this.dropTask(task.id, false);
      }
    }
  }

  /** Drains in-flight work (the batch being processed is finished and committed), leaves the group. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const t of this.backoffs.values()) clearTimeout(t);
    this.backoffs.clear();
    // After the batch in flight, while still a member of the group (so a new owner of the partition
    // fences this commit or sees it): see commitLeftovers.
    await this.locked(() => this.commitLeftovers()).catch(() => {});
    await this.consumer?.stop();
    await this.queue.catch(() => {});
    // Every task's work is committed now (or it failed and is gone): stores on disk get their checkpoint.
    for (const id of [...this.tasks.keys()]) await this.dropTask(id, true);
    for (const p of this.producers.values()) await p.close().catch(() => {});
    this.producers.clear();
    await this.shared?.close().catch(() => {});
  }
}
