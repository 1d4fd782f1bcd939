/**
 * How a plan is laid out on Kafka: sub-topologies, and every topic they read
 * and write, all named after stable stage names (never positions).
 *
 * A keyed stage (combine, join, sequence) needs all elements of a key in one
 * task. When its input is already partitioned that way — each source on the
 * path is keyed by a subset of the stage key and no stage in between rewrites
 * fields — it runs in the same sub-topology; otherwise the edge goes through
 * a repartition topic keyed by the stage key, as in Kafka Streams. A dedupe
 * is placed the same way by its id (`by` fields), so that all elements of one
 * id meet in one task whatever the partition count. Tables are read whole by
 * every task that looks them up (like a GlobalKTable). Which edges are cut is
 * the shared rule of src/engine/topology/partitioning.ts (the DirectRunner's
 * worker threads use it too).
 *
 * @module
 */
import { CHECKPOINTED_OPS } from "../../src/engine/checkpoint/rules.ts";
import { edgeName, repartitionCuts } from "../../src/engine/topology/partitioning.ts";
import type { Plan, PlanNode } from "../../src/plan/ir.ts";
import { inputsOf } from "../../src/plan/ir.ts";
import type { TopicSpec } from "./client.ts";

/** Where a sub-topology's input comes from. */
export type InputTopic =
  | { readonly kind: "source"; readonly topic: string; readonly source: string }
  | { readonly kind: "repartition"; readonly topic: string; readonly to: string; readonly port: number; readonly from: number };

/** A part of the plan run by one task per partition. */
export interface SubTopology {
  readonly id: number;
  readonly nodes: ReadonlySet<string>;
  readonly inputs: readonly InputTopic[];
  /** Repartition topics this sub-topology writes, by `to/port`. */
  readonly outputs: ReadonlyMap<string, string>;
  /** Tables it looks up. */
  readonly tables: readonly string[];
  /** Stages whose state is kept in a changelog topic. */
  readonly stateful: readonly string[];
}

/** Topic names for one application (a pipeline deployment). */
export interface TopicNames {
  source(name: string): string;
  table(name: string): string;
  sink(name: string): string;
  deadLetters(): string;
  late(): string;
}

/** The whole layout. */
export interface Layout {
  readonly appId: string;
  readonly partitions: number;
  readonly subTopologies: readonly SubTopology[];
  readonly names: TopicNames;
  /** Every topic the application needs, to create before anyone subscribes. */
  readonly topics: readonly TopicSpec[];
  repartitionTopic(to: string, port: number): string;
  changelogTopic(stage: string): string;
}

/** Ops whose state lives in a changelog (lookup state is rebuilt from its table topic instead): those a checkpoint holds. */
const STATEFUL = CHECKPOINTED_OPS;

/** Default topic names: `<prefix><name>` for user-facing topics, `<appId>.<stage>…` for internal ones. */
export const prefixedNames = (prefix: string, appId: string): TopicNames => ({
  source: (n) => prefix + n,
  table: (n) => prefix + n,
  sink: (n) => prefix + n,
  deadLetters: () => `${appId}.dead-letters`,
  late: () => `${appId}.late`,
});

/** Lays a plan out on `partitions` partitions. */
export const layoutOf = (plan: Plan, appId: string, partitions: number, names: TopicNames): Layout => {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const repartitionTopic = (to: string, port: number) => `${appId}.${to}${port > 0 ? `.${port}` : ""}.repartition`;
  const changelogTopic = (stage: string) => `${appId}.${stage}.changelog`;

  // The edges into keyed stages (and dedupes) whose input is not already partitioned by their key:
  // one rule for every runner that splits a plan by source key (src/engine/topology/partitioning.ts).
  const cut = repartitionCuts(plan);

  // Connected components over the remaining edges (tables excluded: they are global).
  const parent = new Map(plan.nodes.map((n) => [n.id, n.id]));
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const n of plan.nodes) {
    if (n.op === "table") continue;
    inputsOf(n).forEach((input, port) => {
      if (byId.get(input)!.op === "table" || cut.has(edgeName(input, n.id, port))) return;
      parent.set(find(input), find(n.id));
    });
  }
  const roots: string[] = [];
  for (const n of plan.nodes) if (n.op !== "table" && !roots.includes(find(n.id))) roots.push(find(n.id));
  const compOf = (id: string) => roots.indexOf(find(id));

  const subTopologies: SubTopology[] = roots.map((root, id) => {
    const nodes = new Set(plan.nodes.filter((n) => n.op !== "table" && find(n.id) === root).map((n) => n.id));
    const inputs: InputTopic[] = [];
    const outputs = new Map<string, string>();
    const tables: string[] = [];
    for (const n of plan.nodes) {
      if (n.op === "source" && nodes.has(n.id)) inputs.push({ kind: "source", topic: names.source(n.id), source: n.id });
      if (n.op === "lookup" && nodes.has(n.id)) {
        tables.push(n.table);
        nodes.add(n.table);
      }
      inputsOf(n).forEach((input, port) => {
        if (!cut.has(edgeName(input, n.id, port))) return;
        if (nodes.has(n.id)) inputs.push({ kind: "repartition", topic: repartitionTopic(n.id, port), to: n.id, port, from: compOf(input) });
        if (nodes.has(input)) outputs.set(`${n.id}/${port}`, repartitionTopic(n.id, port));
      });
    }
    const stateful = [...nodes].filter((s) => STATEFUL.has(byId.get(s)!.op));
    return { id, nodes, inputs, outputs, tables, stateful };
  });

  const topics: TopicSpec[] = [];
  const add = (topic: string, parts: number, compacted = false) => {
    if (!topics.some((t) => t.topic === topic)) topics.push({ topic, partitions: parts, compacted });
  };
  for (const n of plan.nodes) {
    if (n.op === "source") add(names.source(n.id), partitions);
    if (n.op === "table") add(names.table(n.id), 1, true);
    if (n.op === "sink") add(names.sink(n.id), partitions);
    if (STATEFUL.has(n.op)) add(changelogTopic(n.id), partitions, true);
  }
  for (const st of subTopologies) for (const t of st.outputs.values()) add(t, partitions);
  add(names.deadLetters(), 1);
  add(names.late(), 1);
  return { appId, partitions, subTopologies, names, topics, repartitionTopic, changelogTopic };
};

/** Sub-topologies a stage is in (for tests and errors). */
export const subTopologyOf = (layout: Layout, stage: string): SubTopology | undefined => layout.subTopologies.find((s) => s.nodes.has(stage));

export type { PlanNode };
