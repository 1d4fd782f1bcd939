/**
 * Bounded runs on Kafka, for the CLI and tests: the input files are produced
 * into fresh topics (keyed by the source key, each record carrying its line),
 * the pipeline runs until the end offsets seen at start are processed and
 * every task has reached end of input (so all windows fire), and then the
 * final view of each sink is read back from its topic — the same rows, in the
 * same order, as the DirectRunner's.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson, compareStrings } from "../../src/core/canonical.ts";
import { DefinitionError } from "../../src/core/errors.ts";
import { compareValues } from "../../src/core/order.ts";
import { sortCanonical } from "../../src/engine/final-view.ts";
import { boundDeadLetter } from "../../src/engine/dead-letter.ts";
import { recordSourceKey } from "../../src/engine/edge.ts";
import type { DeadLetter, LateElement, StageMetrics } from "../../src/engine/operator.ts";
import { newMetrics } from "../../src/engine/operator.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import type { Plan, SourceNode, TableNode } from "../../src/plan/ir.ts";
import type { Registry } from "../../src/registry/registry.ts";
import { resolveDefinition } from "../../src/run/definition.ts";
import { iteratorOf } from "../../src/run/inputs.ts";
import type { InputSource } from "../../src/run/inputs.ts";
import { runProgress } from "../../src/run/progress.ts";
import type { InputMeter } from "../../src/run/progress.ts";
import type { RunResult } from "../../src/run/result.ts";
import type { StateChoice } from "../../src/run/options.ts";
import { MAX_RECORD_BYTES, recordBytes } from "./client.ts";
import type { InMessage, KafkaClient, OutMessage } from "./client.ts";
import type { Checkpoint } from "../../src/engine/checkpoint/index.ts";
import { checkCheckpoint, seedFromCheckpoint } from "./checkpoint-seed.ts";
import { KafkaStreamInstance } from "./instance.ts";
import type { Guarantee } from "./instance.ts";
import { clientFor, type KafkaClientKind } from "./client-choice.ts";
import { layoutOf, prefixedNames } from "./layout.ts";
import type { Layout } from "./layout.ts";
import { partitionFor } from "./murmur2.ts";
import { OFFSET_HEADER, PANE_HEADER, PKV_HEADER } from "./task.ts";

/** Options of a bounded Kafka run. */
export interface KafkaRunOptions {
  readonly inputs: Readonly<Record<string, InputSource>>;
  /** Bootstrap servers, e.g. `["127.0.0.1:9092"]`. */
  readonly brokers: readonly string[];
  readonly registry?: Registry;
  readonly params?: Readonly<Record<string, string>>;
  /** Partitions of every topic the run creates (default 3). */
  readonly partitions?: number;
  /** Runner instances in the consumer group (default 1). */
  readonly instances?: number;
  readonly guarantee?: Guarantee;
  readonly onExecutorError?: "fail" | "deadLetter";
  /** Keep the run's topics afterwards (default: delete them). */
  readonly keepTopics?: boolean;
  /** Give up after this long (ms, default 300 000). */
  readonly timeoutMs?: number;
  readonly log?: (event: Record<string, unknown>) => void;
  /** Use this client instead of one made from `brokers`, or make one of this kind (default: LOCKSTEP_KAFKA_CLIENT, else kafkajs). */
  readonly client?: KafkaClient | KafkaClientKind;
  /** Draw a progress bar on stderr when it is a TTY (default false; the CLI turns it on unless `-q`). */
  readonly progress?: boolean;
  /**
   * The application id (default a fresh `lockstep-<name>-<random>`): internal topics are named after
   * it, and source and sink topics are `<appId>.<name>`.
   */
  readonly appId?: string;
  /**
   * Continue from a batch run's checkpoint (docs/semantics.md §17): the changelogs are seeded with it
   * before any task starts, and `inputs` are the records after the cut.
   */
  readonly fromCheckpoint?: Checkpoint;
  /**
   * Where task state lives: `"memory"` (default), or on disk in LMDB (`"lmdb"`, or `{ lmdb: { dir,
   * cacheEntries, keep } }`), each instance's tasks under `<dir>/<appId>/instance-<i>`. The results
   * are the same. The run's directory is removed afterwards unless `keep` (`dir` defaults to a
   * temporary one).
   */
  readonly state?: StateChoice;
}

/**
 * The key a record is produced with. A source record: its source key (none:
 * one partition). A table row: the whole row as canonical JSON — table topics
 * are compacted, and keying versions by the table key alone would let
 * compaction delete the older versions point-in-time lookups need; a row that
 * is not even JSON gets its line as key (compacted topics refuse null keys).
 */
const recordKeyOf = (node: SourceNode | TableNode, value: unknown, offset: number): string | null => {
  if (node.op === "table") return value === undefined ? `lockstep-line:${offset}` : canonicalJson(value);
  return recordSourceKey(node, value);
};

/**
 * Produces one input into its topic, in file order, each record with its line
 * number. A record too large for one Kafka record is not produced: it is a
 * dead letter of its source (with its size and hash, see `boundDeadLetter`),
 * written to the dead-letter topic. Returns how many records were refused so.
 */
const produceInput = async (client: KafkaClient, layout: Layout, node: SourceNode | TableNode, src: InputSource, meter?: InputMeter): Promise<number> => {
  const producer = await client.producer();
  try {
    const topic = node.op === "table" ? layout.names.table(node.id) : layout.names.source(node.id);
    const parts = node.op === "table" ? 1 : layout.partitions;
    const it = iteratorOf(src, node.schema, meter);
    let batch: OutMessage[] = [];
    let refused = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const rec = r.value;
      const key = recordKeyOf(node, rec.error === undefined ? rec.value : undefined, rec.offset);
      // An error record goes as it was read (its exact bytes when not UTF-8), so the edge judges it as the other runners do.
      const value = rec.error === undefined ? JSON.stringify(rec.value) : rec.rawBase64 !== undefined ? Buffer.from(rec.rawBase64, "base64") : (rec.raw ?? "");
      const m: OutMessage = { topic, partition: key === null ? 0 : partitionFor(key, parts), key, value, headers: { [OFFSET_HEADER]: String(rec.offset) } };
      const bytes = recordBytes(m);
      if (bytes > MAX_RECORD_BYTES) {
        refused++;
        const dead: DeadLetter = {
          source: node.id,
          offset: rec.offset,
          stage: node.id,
          reason: `record of ${bytes} bytes is over the ${MAX_RECORD_BYTES}-byte limit of one Kafka record: it cannot be produced to topic ${topic}`,
          raw: rec.raw ?? (typeof value === "string" ? value : value.toString("latin1")),
          ...(rec.rawBase64 !== undefined ? { rawBase64: rec.rawBase64 } : {}),
        };
        batch.push({ topic: layout.names.deadLetters(), partition: 0, key: null, value: JSON.stringify(boundDeadLetter(dead)) });
      } else batch.push(m);
      if (batch.length >= 5000) {
        await producer.send(batch);
        batch = [];
      }
    }
    await producer.send(batch);
    return refused;
  } finally {
    await producer.close();
  }
};

/**
 * The final view of a sink topic: the last record of every pane (by its
 * `lockstep-pane` header; records written before that header existed: by
 * their key), plus every unkeyed row.
 */
export const finalViewOf = (messages: readonly InMessage[]): unknown[] => {
  const panes = new Map<string, { pkv: unknown[]; rows: unknown[] }>();
  const bag: unknown[] = [];
  for (const m of messages) {
    if (m.key === null) {
      if (m.value !== null) bag.push(JSON.parse(m.value));
      continue;
    }
    // The last record of each pane counts (the message key, the output key, may be shared by panes of two stages).
    const pane = m.headers[PANE_HEADER] ?? m.key;
    if (m.value === null) {
      panes.delete(pane);
      continue;
    }
    const v = JSON.parse(m.value) as unknown;
    panes.set(pane, { pkv: JSON.parse(m.headers[PKV_HEADER] ?? "[]") as unknown[], rows: Array.isArray(v) ? v : [v] });
  }
  // Exactly FinalView.rows(): rows of every pane sorted together by (output key, canonical JSON),
  // so equal output keys of different panes (aggregates flattened into one sink) sort the same way.
  const keyed: { pkv: readonly unknown[]; json: string; row: unknown }[] = [];
  for (const p of panes.values()) for (const row of p.rows) keyed.push({ pkv: p.pkv, json: canonicalJson(row), row });
  keyed.sort((a, b) => compareValues(a.pkv, b.pkv) || compareStrings(a.json, b.json));
  return [...keyed.map((x) => x.row), ...sortCanonical(bag)];
};

/** Runs a definition over finite inputs on Kafka and returns the final views. */
export const runKafka = async (def: Pipeline | Plan | string, opts: KafkaRunOptions): Promise<RunResult> => {
  const { plan, registry } = resolveDefinition(def, opts.registry, opts.params);
  const { client, owned } = clientFor(opts.client, opts.brokers);
  if (opts.fromCheckpoint) checkCheckpoint(opts.fromCheckpoint, plan);
  const appId = opts.appId ?? `lockstep-${plan.name.replace(/[^A-Za-z0-9._-]/g, "-")}-${randomUUID().slice(0, 8)}`;
  const layout = layoutOf(plan, appId, opts.partitions ?? 3, prefixedNames(`${appId}.`, appId));
  const inputs = plan.nodes.filter((n): n is SourceNode | TableNode => n.op === "source" || n.op === "table");
  const missing = inputs.filter((n) => opts.inputs[n.id] === undefined).map((n) => n.id);
  if (missing.length > 0)
    throw new DefinitionError(
      "inputs",
      `no input for ${missing.map((m) => `"${m}"`).join(", ")}`,
      `give one per source and table, e.g. ${missing.map((m) => `--in ${m}=path.jsonl`).join(" ")}`,
    );
  const instances: KafkaStreamInstance[] = [];
  const choice = opts.state ?? "memory";
  const lmdb = choice === "memory" ? undefined : choice === "lmdb" ? {} : choice.lmdb;
  const stateRoot = lmdb ? (lmdb.dir ?? mkdtempSync(join(tmpdir(), "lockstep-kafka-state-"))) : undefined;
  const progress = runProgress("kafka", opts.inputs, { enabled: opts.progress });
  opts.log?.({ event: "run", app: appId, partitions: layout.partitions, subTopologies: layout.subTopologies.length });
  try {
    await client.createTopics(layout.topics);
    if (opts.fromCheckpoint) {
      const seeded = await seedFromCheckpoint(client, layout, plan, opts.fromCheckpoint);
      opts.log?.({ event: "seeded from checkpoint", records: seeded });
    }
    const refused = new Map<string, number>();
    for (const n of inputs) {
      progress.stage(`producing ${n.id}`);
      refused.set(n.id, await produceInput(client, layout, n, opts.inputs[n.id]!, progress.input(n.id)));
    }
    const ends = new Map<string, number[]>();
    for (const n of inputs) if (n.op === "source") ends.set(layout.names.source(n.id), await client.endOffsets(layout.names.source(n.id)));
    const finishedTasks = new Set<string>();
    const committedRecords = new Map<string, number>();
    const total = layout.subTopologies.length * layout.partitions;
    // The instances start together, like processes launched at once: they join the group while the
    // first of them may already be working, so partitions move between them mid-run.
    for (let i = 0; i < (opts.instances ?? 1); i++) {
      const inst = new KafkaStreamInstance({
        client,
        plan,
        registry,
        layout,
        groupId: appId,
        guarantee: opts.guarantee ?? "exactly-once",
        onExecutorError: opts.onExecutorError ?? "fail",
        ends,
        finishedTasks,
        committedRecords,
        ...(stateRoot !== undefined
          ? { state: { dir: join(stateRoot, appId, `instance-${i}`), ...(lmdb?.cacheEntries !== undefined ? { cacheEntries: lmdb.cacheEntries } : {}) } }
          : {}),
        ...(opts.log ? { log: (e: Record<string, unknown>) => opts.log!({ instance: i, ...e }) } : {}),
      });
      instances.push(inst);
    }
    await Promise.all(instances.map((inst) => inst.start()));
    const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
    while (finishedTasks.size < total) {
      progress.stage(`processing: ${finishedTasks.size}/${total} tasks at end of input`);
      const failed = instances.map((i) => i.error()).find((e) => e !== undefined);
      if (failed) throw failed;
      if (Date.now() > deadline)
        throw new Error(`the Kafka run did not finish within ${opts.timeoutMs ?? 300_000} ms (${finishedTasks.size}/${total} tasks ended)`);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const inst of instances) await inst.stop();
    // Every record read back must include at least what the tasks know they committed: a short read fails the run.
    const readBack = async (topic: string): Promise<InMessage[]> => {
      const messages = await client.readAll(topic);
      const short: string[] = [];
      for (const [where, n] of committedRecords) {
        if (!where.startsWith(`${topic}/`)) continue;
        const partition = Number(where.slice(topic.length + 1));
        const got = messages.filter((m) => m.partition === partition).length;
        if (got < n) short.push(`partition ${partition}: ${got} of ${n}`);
      }
      if (short.length > 0) throw new Error(`reading back topic ${topic} returned fewer records than the run committed (${short.join(", ")})`);
      return messages;
    };
    const outputs: Record<string, unknown[]> = {};
    for (const n of plan.nodes) if (n.op === "sink") outputs[n.id] = finalViewOf(await readBack(layout.names.sink(n.id)));
    const deadLetters = (await readBack(layout.names.deadLetters())).map((m) => JSON.parse(m.value!) as DeadLetter);
    const late = (await readBack(layout.names.late())).map((m) => JSON.parse(m.value!) as LateElement);
    const metrics: Record<string, StageMetrics> = {};
    for (const inst of instances) {
      for (const [stage, m] of Object.entries(inst.metrics)) {
        const into = (metrics[stage] ??= newMetrics());
        for (const k of Object.keys(m) as (keyof StageMetrics)[]) into[k] += m[k];
      }
    }
    // Records refused at produce time were read from the input: they count as read and dead-lettered at their source.
    for (const [source, n] of refused) {
      if (n === 0) continue;
      const m = (metrics[source] ??= newMetrics());
      m.in += n;
      m.deadLetters += n;
    }
    return { plan, outputs, deadLetters, late, metrics };
  } finally {
    progress.done();
    for (const inst of instances) await inst.stop().catch(() => {});
    if (!opts.keepTopics) await client.deleteTopics(layout.topics.map((t) => t.topic)).catch(() => {});
    if (stateRoot !== undefined && !lmdb?.keep) rmSync(lmdb?.dir === undefined ? stateRoot : join(stateRoot, appId), { recursive: true, force: true });
    if (owned) await client.close();
  }
};
