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
 * offset. At-least-once sends, then commits offsets.
 *
 * @module
 */
import type { EngineContext, StageMetrics } from "../../src/engine/operator.ts";
import { newMetrics } from "../../src/engine/operator.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { Registry } from "../../src/registry/registry.ts";
import type { GroupConsumer, InMessage, KafkaClient, OffsetCommit, Producer } from "./client.ts";
import type { InputTopic, Layout, SubTopology } from "./layout.ts";
import { Task } from "./task.ts";

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
  /** Shared across instances of one bounded run: ids of tasks that ended. */
  readonly finishedTasks?: Set<string>;
  /** Structured log lines. */
  readonly log?: (event: Record<string, unknown>) => void;
}

/** A running instance. */
export class KafkaStreamInstance {
  private consumer: GroupConsumer | undefined;
  private readonly tasks = new Map<string, Task>();
  private readonly producers = new Map<string, Producer>();
  private shared: Producer | undefined;
  private owned: number[] = [];
  private readonly positions = new Map<string, number>();
  private readonly tables = new Map<string, InMessage[]>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failure: unknown;
  /** Counters per stage, summed over this instance's tasks. */
  readonly metrics: Record<string, StageMetrics> = {};
  /** Commit latencies (ms) of the last commits, for metrics. */
  readonly commitMs: number[] = [];

  constructor(private readonly o: InstanceOptions) {}

  /** Serializes work on tasks (batches and the end-of-input check). */
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
          // Tasks of partitions we no longer own are dropped; their state is in the changelog.
          for (const [id, t] of this.tasks) if (!this.owned.includes(t.partition)) this.tasks.delete(id);
          this.o.log?.({ event: "assigned", partitions: this.owned });
        },
        onBatch: (batch, heartbeat) => this.locked(() => this.onBatch(batch, heartbeat)),
      },
      { readCommitted: true },
    );
    if (this.o.ends) this.timer = setInterval(() => void this.locked(() => this.checkEnds()).catch((e) => (this.failure = e)), 100);
  }

  private async taskFor(sub: SubTopology, partition: number): Promise<Task> {
    const id = `${sub.id}-${partition}`;
    let task = this.tasks.get(id);
    if (task) return task;
    task = new Task(sub, partition, {
      plan: this.o.plan,
      registry: this.o.registry,
      layout: this.o.layout,
      onExecutorError: this.o.onExecutorError,
      metrics: (stage) => (this.metrics[stage] ??= newMetrics()),
    });
    for (const stage of sub.stateful) task.state.restore(stage, await this.o.client.readAll(this.o.layout.changelogTopic(stage), [partition]));
    const reporter = this.o.layout.subTopologies.find((s) => s.tables.length > 0)?.id;
    for (const table of sub.tables) await task.loadTable(table, this.tables.get(table) ?? [], sub.id === reporter && partition === 0);
    for (const input of sub.inputs) {
      const committed = (await this.o.client.committedOffsets(this.o.groupId, input.topic))[partition] ?? -1;
      this.positions.set(`${input.topic}/${partition}`, Math.max(committed, 0));
    }
    if (this.o.guarantee === "exactly-once" && !this.producers.has(id)) {
      this.producers.set(id, await this.o.client.producer({ transactionalId: `${this.o.groupId}-${id}` }));
    }
    if (this.o.finishedTasks?.has(id)) task.finished = true;
    this.tasks.set(id, task);
    return task;
  }

  private async commit(task: Task, offsets: readonly OffsetCommit[]): Promise<void> {
    await task.flush();
    const out = task.drain();
    const t0 = performance.now();
    if (this.o.guarantee === "exactly-once") await this.producers.get(task.id)!.sendInTransaction(out, this.o.groupId, offsets);
    else {
      await this.shared!.send(out);
      if (offsets.length > 0) await this.consumer!.commit(offsets);
    }
    this.commitMs.push(performance.now() - t0);
    if (this.commitMs.length > 100) this.commitMs.shift();
  }

  private async onBatch(batch: { topic: string; partition: number; messages: readonly InMessage[] }, heartbeat: () => Promise<void>): Promise<void> {
    if (this.stopped || batch.messages.length === 0) return;
    const { sub, input } = this.inputOf(batch.topic);
    const task = await this.taskFor(sub, batch.partition);
    const last = batch.messages[batch.messages.length - 1]!.offset;
    try {
      let n = 0;
      for (const m of batch.messages) {
        await task.process(input.kind === "source" ? { kind: "source", source: input.source } : { kind: "repartition", to: input.to, port: input.port, topic: input.topic }, m);
        if (++n % 500 === 0) await heartbeat();
      }
      this.positions.set(`${batch.topic}/${batch.partition}`, last + 1);
      if (this.o.ends && !task.finished && this.complete(task)) await this.finishTask(task);
      await this.commit(task, [{ topic: batch.topic, partition: batch.partition, offset: last + 1 }]);
    } catch (e) {
      // The task's memory may hold effects of the failed batch: rebuild it from its changelog and re-read.
      this.o.log?.({ event: "batch failed", task: task.id, error: (e as Error).message });
      this.tasks.delete(task.id);
      if ((e as Error).name === "RunError") {
        this.failure = e;
        return;
      }
      const committed = (await this.o.client.committedOffsets(this.o.groupId, batch.topic))[batch.partition] ?? -1;
      this.consumer!.seek(batch.topic, batch.partition, Math.max(committed, 0));
    }
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

  private async finishTask(task: Task): Promise<void> {
    await task.finish();
    this.o.finishedTasks?.add(task.id);
    this.o.log?.({ event: "task ended", task: task.id });
  }

  /** Bounded runs: ends tasks whose input is complete even if no batch arrives (empty partitions). */
  private async checkEnds(): Promise<void> {
    if (this.stopped) return;
    for (const p of this.owned) {
      for (const sub of this.o.layout.subTopologies) {
        const task = await this.taskFor(sub, p);
        if (task.finished || !this.complete(task)) continue;
        await this.finishTask(task);
        await this.commit(task, []);
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

  /** The first fatal error (an executor that threw), if any. */
  error(): unknown {
    return this.failure;
  }

  /** Drains in-flight work, commits, leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.consumer?.stop();
    await this.queue.catch(() => {});
    for (const p of this.producers.values()) await p.close().catch(() => {});
    await this.shared?.close().catch(() => {});
  }
}
