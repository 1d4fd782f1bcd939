/**
 * The KafkaStreamRunner for unbounded runs (`lockstep run --runner kafka
 * --follow`): the same definition as a long-running stream processor on
 * existing topics. Source topics are named after the definition's sources
 * (optionally prefixed), sinks after its sinks; internal topics
 * (repartition, changelog, dead letters, late, meta) after the application id
 * and stable stage names. Start as many instances (processes) as you like
 * with the same application id: they share the work by partition.
 *
 * @module
 */
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DefinitionError } from "../../src/core/errors.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { resolveDefinition } from "../../src/run/definition.ts";
import type { KafkaClient } from "./client.ts";
import type { Checkpoint } from "../../src/engine/checkpoint/index.ts";
import { checkCheckpoint, seedFromCheckpoint } from "./checkpoint-seed.ts";
import { checkCompatibility } from "./compat.ts";
import { KafkaStreamInstance } from "./instance.ts";
import type { Guarantee } from "./instance.ts";
import { clientFor, type KafkaClientKind } from "./client-choice.ts";
import { layoutOf, prefixedNames } from "./layout.ts";
import { lockStateDir } from "./local-store.ts";
import type { StateChoice } from "../../src/run/options.ts";

/** Options of an unbounded run. */
export interface KafkaStreamOptions {
  readonly brokers: readonly string[];
  /** The application id: consumer group and internal topic prefix (default: the pipeline's name). */
  readonly appId?: string;
  /** Prefix of source and sink topic names (default none). */
  readonly topicPrefix?: string;
  /** Partitions of the topics the runner creates (default 3); sources must have the same count. */
  readonly partitions?: number;
  readonly guarantee?: Guarantee;
  readonly registry?: Registry;
  readonly params?: Readonly<Record<string, string>>;
  readonly onExecutorError?: "fail" | "deadLetter";
  /** Fire windows on partitions idle this long (ms; default 5000, 0 off). Never changes lateness. */
  readonly idleMs?: number;
  /** Serve Prometheus metrics on this port. */
  readonly metricsPort?: number;
  readonly log?: (event: Record<string, unknown>) => void;
  /** A client to use, or which one to make from `brokers` (default: LOCKSTEP_KAFKA_CLIENT, else kafkajs). */
  readonly client?: KafkaClient | KafkaClientKind;
  /**
   * Start a new application from a batch run's checkpoint (docs/semantics.md §17): its changelogs
   * (which must be empty) are seeded before any task starts; the source topics hold the records
   * after the cut.
   */
  readonly fromCheckpoint?: Checkpoint;
  /**
   * Where task state lives: `"memory"` (default; restored from the changelogs at every start), or on
   * disk in LMDB (`"lmdb"`, or `{ lmdb: { dir, cacheEntries } }`) under `<dir>/<appId>/<task>` with a
   * checkpoint file per task, so a restart after a graceful stop restores only the changelogs' tail
   * (docs/kafka-runner.md "State on disk"). `dir` defaults to `<tmpdir>/lockstep-kafka-state`; it is
   * kept (that is its point), and one process at a time may use an application's directory in it.
   */
  readonly state?: StateChoice;
}

/** The default directory of task state on disk (Kafka Streams' is `/tmp/kafka-streams`). */
export const DEFAULT_KAFKA_STATE_DIR = join(tmpdir(), "lockstep-kafka-state");

/** A running stream processor. */
export class KafkaStreamRunner {
  private instance: KafkaStreamInstance | undefined;
  private server: Server | undefined;
  private client: KafkaClient | undefined;
  private stopping: Promise<void> | undefined;
  private unlock: (() => void) | undefined;

  constructor(private readonly opts: KafkaStreamOptions) {}

  /** Checks the definition against the application's state, creates missing topics, joins the group. */
  async start(def: Pipeline | Plan | string): Promise<void> {
    const { plan, registry } = resolveDefinition(def, this.opts.registry, this.opts.params);
    if (this.opts.fromCheckpoint) checkCheckpoint(this.opts.fromCheckpoint, plan);
    const client = (this.client = clientFor(this.opts.client, this.opts.brokers).client);
    const appId = this.opts.appId ?? plan.name;
    const layout = layoutOf(plan, appId, this.opts.partitions ?? 3, prefixedNames(this.opts.topicPrefix ?? "", appId));
    await checkCompatibility(client, appId, plan);
    await client.createTopics(layout.topics);
    // Topics that existed before (sources, or an earlier run with another --partitions) must match the layout.
    const wrong: string[] = [];
    const tables = new Set(plan.nodes.filter((n) => n.op === "table").map((n) => layout.names.table(n.id)));
    for (const t of layout.topics) {
      if (tables.has(t.topic)) continue; // read whole, any partition count
      const n = (await client.endOffsets(t.topic)).length;
      if (n !== t.partitions) wrong.push(`${t.topic} has ${n}`);
    }
    if (wrong.length > 0) {
      throw new DefinitionError(
        "partitions",
        `application "${appId}" runs on ${layout.partitions} partitions, but ${wrong.join(", ")}`,
        `run with --partitions matching the source topics (and the application's earlier runs), or as a new application (--app-id)`,
      );
    }
    if (this.opts.fromCheckpoint) {
      const seeded = await seedFromCheckpoint(client, layout, plan, this.opts.fromCheckpoint);
      this.opts.log?.({ event: "seeded from checkpoint", records: seeded });
    }
    const choice = this.opts.state ?? "memory";
    let state: { dir: string; cacheEntries?: number } | undefined;
    if (choice !== "memory") {
      const o = choice === "lmdb" ? {} : choice.lmdb;
      const dir = join(o.dir ?? DEFAULT_KAFKA_STATE_DIR, appId);
      this.unlock = lockStateDir(dir);
      state = { dir, ...(o.cacheEntries !== undefined ? { cacheEntries: o.cacheEntries } : {}) };
    }
    this.instance = new KafkaStreamInstance({
      client,
      plan,
      registry,
      layout,
      groupId: appId,
      guarantee: this.opts.guarantee ?? "exactly-once",
      onExecutorError: this.opts.onExecutorError ?? "fail",
      ...(this.opts.idleMs !== undefined ? { idleMs: this.opts.idleMs } : {}),
      ...(this.opts.log ? { log: this.opts.log } : {}),
      ...(state ? { state } : {}),
    });
    await this.instance.start();
    if (this.opts.metricsPort !== undefined) {
      // prom-client loads only when metrics are served: the CLI's start-up does not pay for it.
      const { serveMetrics } = await import("./metrics.ts");
      this.server = await serveMetrics(this.opts.metricsPort, this.instance);
    }
    this.opts.log?.({ event: "started", app: appId, topics: layout.topics.length });
  }

  /** Changelog records restored since start, in full and after checkpoints (see `KafkaStreamInstance.restored`). */
  restored(): KafkaStreamInstance["restored"] | undefined {
    return this.instance?.restored;
  }

  /** The first fatal error, if any. */
  error(): unknown {
    return this.instance?.error();
  }

  /** Graceful shutdown: finishes the batch in flight, commits, leaves the group. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    await this.instance?.stop();
    this.unlock?.();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    if (typeof this.opts.client !== "object") await this.client?.close();
    this.opts.log?.({ event: "stopped" });
  }
}
