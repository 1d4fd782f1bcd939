/**
 * Starting a Kafka application from a handoff checkpoint (docs/semantics.md
 * §17): before any task starts, each stateful stage's changelog topic is
 * written with the checkpoint's entries, each on the partition whose task
 * would have written it had it processed the history — so tasks restore the
 * batch run's state exactly as they restore their own after a restart.
 *
 * Which partition: a stage fed by a repartition topic owns the entries of the
 * keys routed to it (its store key is the routing key: the stage key, or a
 * dedupe's id); a stage in a source's sub-topology owns the entries written
 * while processing records of its source partition, which the entry's route
 * (the source key of that record) names — the partition the producer sends
 * that source key's records to. Any other stage is refused: its entries'
 * partition is not known.
 *
 * @module
 */
import { DefinitionError } from "../../src/core/errors.ts";
import { assertCheckpointFor, assertHandoff } from "../../src/engine/checkpoint/index.ts";
import type { Checkpoint } from "../../src/engine/checkpoint/index.ts";
import type { Plan } from "../../src/plan/ir.ts";
import type { KafkaClient, OutMessage } from "./client.ts";
import type { Layout } from "./layout.ts";
import { subTopologyOf } from "./layout.ts";
import { partitionFor } from "./murmur2.ts";

/** Checks what can be checked without a broker: the checkpoint is this plan's, and the plan can hand off. */
export const checkCheckpoint = (cp: Checkpoint, plan: Plan): void => {
  assertCheckpointFor(cp, plan);
  assertHandoff(plan);
};

/** The changelog records of a checkpoint on `layout` (no I/O). Throws for a stage whose entries have no known partition. */
export const changelogRecordsOf = (cp: Checkpoint, layout: Layout): OutMessage[] => {
  const out: OutMessage[] = [];
  for (const s of cp.stores) {
    const sub = subTopologyOf(layout, s.stage);
    if (!sub?.stateful.includes(s.stage))
      throw new DefinitionError(
        `checkpoint: stores "${s.stage}"`,
        "names a stage that keeps no state in this plan",
        "use the checkpoint written for this definition",
      );
    const topic = layout.changelogTopic(s.stage);
    const fedByRepartition = sub.inputs.some((i) => i.kind === "repartition" && i.to === s.stage);
    const inSourceTopology = sub.inputs.every((i) => i.kind === "source");
    if (!fedByRepartition && !inSourceTopology)
      throw new DefinitionError(
        s.stage,
        "cannot start from a checkpoint on Kafka: the stage runs behind a repartition it is not fed by directly, so the partition of its state is not known",
        "run the whole history in one runner, or key the stage itself (docs/semantics.md §17, Conditions)",
      );
    for (const e of s.entries) {
      const partition = fedByRepartition ? partitionFor(e.key, layout.partitions) : e.route === null ? 0 : partitionFor(e.route, layout.partitions);
      out.push({ topic, partition, key: `${s.store}\u0000${e.key}`, value: JSON.stringify(e.value) });
    }
  }
  return out;
};

/**
 * Seeds the application's changelog topics with `cp` (the topics must exist). Refuses, before
 * writing anything, a checkpoint of another plan, a plan that cannot hand off, and an application
 * whose changelogs already hold state. Returns the number of records written.
 */
export const seedFromCheckpoint = async (client: KafkaClient, layout: Layout, plan: Plan, cp: Checkpoint): Promise<number> => {
  checkCheckpoint(cp, plan);
  const records = changelogRecordsOf(cp, layout);
  const stateful = [...new Set(layout.subTopologies.flatMap((s) => s.stateful))];
  const used: string[] = [];
  for (const stage of stateful) {
    const topic = layout.changelogTopic(stage);
    if ((await client.endOffsets(topic)).some((end) => end > 0)) used.push(topic);
  }
  if (used.length > 0)
    throw new DefinitionError(
      "checkpoint",
      `application "${layout.appId}" already has state (changelog ${used.join(", ")} not empty): a checkpoint can only start an application that has none`,
      "start the continuing run as a new application (--app-id), with the post-cut records in its source topics",
    );
  const producer = await client.producer();
  try {
    for (let i = 0; i < records.length; i += 5000) await producer.send(records.slice(i, i + 5000));
  } finally {
    await producer.close();
  }
  return records.length;
};
