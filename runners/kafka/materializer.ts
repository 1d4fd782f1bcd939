/**
 * The materializer: a process beside a Kafka job that keeps a view store (src/store) equal to the
 * final view of the job's sink topics — what a serving fleet runs next to each server, as Kafka
 * Streams' interactive queries keep a local store per instance.
 *
 * Why it is correct under restarts: the store records, per sink and partition, the next offset its
 * view reflects, in the same LMDB transaction as the rows (`applyPanes`). A restarted materializer
 * seeks there, and skips any record below it that a fetch already in flight delivers, so a record is
 * applied once and never after a newer one. It reads `read_committed`: a pane of an aborted
 * transaction is never visible.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { sortCanonical } from "../../src/engine/final-view.ts";
import { validatePlan } from "../../src/plan/validate.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { OutputKey, Pane, ViewStore } from "../../src/store/index.ts";
import { DefinitionError } from "../../src/core/errors.ts";
import type { GroupConsumer, InMessage, KafkaClient } from "./client.ts";
import { type TopicNames, prefixedNames } from "./layout.ts";

/** Options of {@link startMaterializer}. */
export interface MaterializerOptions {
  readonly client: KafkaClient;
  /** The job's definition: which sinks exist and what their output keys are. */
  readonly plan: Plan;
  readonly store: ViewStore;
  /** The job's `--topic-prefix` (sink topics are `prefix + sink`). */
  readonly topicPrefix?: string;
  /** Only these sinks (default: every keyed sink). */
  readonly sinks?: readonly string[];
  /** Called after each committed store transaction (for metrics, logs and tests). */
  readonly onApplied?: (e: { readonly sink: string; readonly partition: number; readonly panes: number; readonly nextOffset: number }) => void;
}

/** A running materializer. */
export interface Materializer {
  /** The sinks it keeps, by topic. */
  readonly sinks: ReadonlyMap<string, string>;
  /** Resolves once every partition's view reflects at least the end offsets the topics had when called. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** The error that stopped it, if any. */
  error(): unknown;
  /** Stops reading; the store keeps what was applied. */
  stop(): Promise<void>;
}

/**
 * The sinks a store can keep: those whose rows have an output key. A sink fed by several keyed
 * stages (aggregates flattened into one sink) can have two panes under one output key, and a store
 * keyed by output key would keep only the newer pane: refused rather than served wrong.
 */
export const materializableSinks = (plan: Plan, wanted?: readonly string[]): string[] => {
  const facts = validatePlan(plan);
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const sinks = plan.nodes.filter((n) => n.op === "sink");
  for (const w of wanted ?? []) {
    if (!sinks.some((s) => s.id === w)) throw new DefinitionError("sinks", `no sink "${w}"`, `name one of ${sinks.map((s) => `"${s.id}"`).join(", ")}`);
  }
  const chosen: string[] = [];
  for (const s of sinks) {
    if (wanted && !wanted.includes(s.id)) continue;
    const input = s.op === "sink" ? s.input : "";
    if (!facts.get(input)?.key) {
      if (wanted)
        throw new DefinitionError(
          `sinks.${s.id}`,
          "its rows have no output key, so a store cannot serve them by key",
          "materialize a keyed sink (keyBy … combine/sequence before it)",
        );
      continue;
    }
    if (byId.get(input)?.op === "flatten")
      throw new DefinitionError(
        `sinks.${s.id}`,
        "is fed by several stages through flatten; two panes may share an output key",
        "give each keyed stage its own sink to materialize",
      );
    chosen.push(s.id);
  }
  if (chosen.length === 0) throw new DefinitionError("sinks", "the definition has no keyed sink to materialize", "add a sink after a keyed stage");
  return chosen;
};

/**
 * A sink record as a pane of the store: the Kafka key is the output key's JSON; no value retracts it.
 * A pane's rows are stored in final-view order (docs/semantics.md §11, §16: by canonical JSON within
 * one output key), not in the order the stage emitted them — as a batch snapshot stores them.
 */
const paneOf = (m: InMessage): Pane | undefined => {
  if (m.key === null) return undefined;
  const key = JSON.parse(m.key) as OutputKey;
  if (m.value === null) return { key, rows: [] };
  const v = JSON.parse(m.value) as unknown;
  return { key, rows: Array.isArray(v) ? sortCanonical(v) : [v] };
};

/** Starts keeping `store` equal to the final view of the plan's keyed sink topics. */
export const startMaterializer = async (o: MaterializerOptions): Promise<Materializer> => {
  const names: TopicNames = prefixedNames(o.topicPrefix ?? "", o.plan.name);
  const sinkOfTopic = new Map(materializableSinks(o.plan, o.sinks).map((s) => [names.sink(s), s]));
  // Next offset per topic and partition, from the store: the only record of progress.
  const next = new Map<string, number>();
  const at = (topic: string, p: number) => `${topic}\u0000${p}`;
  for (const [topic, sink] of sinkOfTopic) for (const [p, off] of Object.entries(o.store.offsets(sink))) next.set(at(topic, Number(p)), Number(off));
  let failure: unknown;
  let consumer: GroupConsumer | undefined;
  /** One store transaction: the panes, the partition's next offset and the high watermark seen with them. */
  const apply = (sink: string, partition: number, panes: Iterable<Pane>, end: number, highWatermark: number | undefined) =>
    o.store.applyPanes(
      sink,
      panes,
      { [String(partition)]: String(end) },
      highWatermark === undefined ? {} : { highWatermarks: { [String(partition)]: String(highWatermark) } },
    );
  // Each materializer reads every partition itself: its own group, never sharing partitions.
  const groupId = `lockstep-materializer-${o.plan.name}-${randomUUID()}`;
  consumer = await o.client.groupConsumer(
    groupId,
    [...sinkOfTopic.keys()],
    {
      onAssign: (assignment) => {
        for (const [topic, parts] of Object.entries(assignment))
          for (const p of parts) {
            const from = next.get(at(topic, p));
            if (from !== undefined && from > 0) consumer?.seek(topic, p, from);
          }
      },
      onBatch: async ({ topic, partition, messages, highWatermark, nextOffset }) => {
        const sink = sinkOfTopic.get(topic);
        if (sink === undefined || messages.length === 0) return;
        const from = next.get(at(topic, partition)) ?? 0;
        // The last record of a key in the batch wins, as in the final view.
        const panes = new Map<string, Pane>();
        let last = -1;
        for (const m of messages) {
          if (m.offset < from) continue;
          last = m.offset;
          const pane = paneOf(m);
          if (pane) panes.set(m.key as string, pane);
        }
        if (last < 0) return;
        // Past the batch's trailing transaction markers too: a caught-up store then reflects the
        // partition up to its high watermark, and its lag reads 0.
        const end = Math.max(last + 1, nextOffset ?? 0);
        await apply(sink, partition, panes.values(), end, highWatermark);
        next.set(at(topic, partition), end);
        o.onApplied?.({ sink, partition, panes: panes.size, nextOffset: end });
      },
      // Only markers / aborted records fetched: no pane, but the store's position and lag move on.
      onPassed: ({ topic, partition, nextOffset, highWatermark }) => {
        const sink = sinkOfTopic.get(topic);
        if (sink === undefined || nextOffset <= (next.get(at(topic, partition)) ?? 0)) return;
        // Not awaited (kafkajs does not wait for event listeners); the store applies writes in call order.
        apply(sink, partition, [], nextOffset, highWatermark).then(
          () => next.set(at(topic, partition), Math.max(next.get(at(topic, partition)) ?? 0, nextOffset)),
          (e: unknown) => {
            failure ??= e;
          },
        );
      },
      onCrash: (e) => {
        failure ??= e;
      },
    },
    { readCommitted: true },
  );

  return {
    sinks: sinkOfTopic,
    error: () => failure,
    async caughtUp(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const want: [string, number, number][] = [];
      for (const topic of sinkOfTopic.keys()) (await o.client.endOffsets(topic)).forEach((end, p) => want.push([topic, p, end]));
      for (;;) {
        if (failure) throw failure;
        // Past the end also counts: transaction markers take offsets no record holds.
        const behind = want.filter(([topic, p, end]) => end > 0 && (next.get(at(topic, p)) ?? 0) < end - 1);
        if (behind.length === 0) return;
        if (Date.now() > deadline)
          throw new Error(
            `materializer: not caught up after ${timeoutMs} ms: ${behind.map(([t, p, e]) => `${t}[${p}] at ${next.get(at(t, p)) ?? 0} of ${e}`).join(", ")}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await consumer?.stop();
      consumer = undefined;
    },
  };
};
