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
 * every task that looks them up (like a GlobalKTable).
 *
 * @module
 */
import { CHECKPOINTED_OPS } from "../../src/engine/checkpoint/rules.ts";
import { keepsSourceKey } from "../../src/engine/topology.ts";
import type { Plan, PlanNode } from "../../src/plan/ir.ts";
import { inputsOf } from "../../src/plan/ir.ts";
import { validatePlan } from "../../src/plan/validate.ts";
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
const KEYED = new Set(["combine", "join", "sequence"]);

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
  const { hash: _h, ...unhashed } = plan;
  const facts = validatePlan(unhashed);
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const repartitionTopic = (to: string, port: number) => `${appId}.${to}${port > 0 ? `.${port}` : ""}.repartition`;
  const changelogTopic = (stage: string) => `${appId}.${stage}.changelog`;

  // Sources upstream of a stage (tables excluded: they are read whole).
  const sourcesOf = (id: string, into = new Set<string>()): Set<string> => {
    const n = byId.get(id)!;
    if (n.op === "source") into.add(n.id);
    else for (const i of inputsOf(n)) if (byId.get(i)!.op !== "table") sourcesOf(i, into);
    return into;
  };

  // Cut edges into keyed stages whose input is not already partitioned by the key. A stage may
  // skip the repartition only when every input keeps its source key AND all the sources it reads
  // are keyed by the same fields (so their records of one key share a partition: co-partitioned).
  // Otherwise every input is repartitioned, so all of them use one partitioner on the stage key.
  // A dedupe is keyed by its id (`by`) the same way: its input is repartitioned by the id unless
  // the source key already partitions by it — so dedupe never depends on the partition count.
  const cut = new Set<string>();
  // True when a path from `id` up to its sources crosses a dedupe repartitioned by id (the elements
  // are then partitioned by that id, not by their source key); keyed stages end the walk.
  const afterIdRepartition = (id: string): boolean => {
    const n = byId.get(id)!;
    if (n.op === "source" || n.op === "table" || KEYED.has(n.op)) return false;
    if (n.op === "dedupe" && cut.has(`${n.input}>${n.id}>0`)) return true;
    return inputsOf(n).some((i) => byId.get(i)!.op !== "table" && afterIdRepartition(i));
  };
  const afterKeyed = (id: string): boolean => {
    const n = byId.get(id)!;
    if (KEYED.has(n.op)) return true;
    return inputsOf(n).some((i) => byId.get(i)!.op !== "table" && afterKeyed(i));
  };
  const coPartitioned = (inputs: readonly string[], key: readonly string[]): boolean => {
    const srcKeys = new Set([...new Set(inputs.flatMap((i) => [...sourcesOf(i)]))].map((s) => JSON.stringify((byId.get(s) as { key: readonly string[] }).key)));
    return srcKeys.size === 1 && inputs.every((input) => keepsSourceKey(byId, input, key) && !afterIdRepartition(input));
  };
  // True when a withTimestamps reads (through any stages) what `id` emits: it keeps each source key's
  // clock, so it must see all of a source key's elements, in one task.
  const beforeTimestamps = (id: string): boolean => plan.nodes.some((c) => inputsOf(c).includes(id) && (c.op === "withTimestamps" || beforeTimestamps(c.id)));
  for (const n of plan.nodes) {
    if (n.op === "dedupe") {
      // Not moved: below a keyed aggregate (the elements are panes, whose rows must stay together),
      // or above a withTimestamps (source-key clocks). There it stays per source partition.
      if (!afterKeyed(n.input) && !beforeTimestamps(n.id) && !coPartitioned([n.input], n.by)) cut.add(`${n.input}>${n.id}>0`);
      continue;
    }
    if (!KEYED.has(n.op)) continue;
    const key = facts.get(inputsOf(n)[0]!)?.key ?? [];
    const inputs = inputsOf(n);
    if (!coPartitioned(inputs, key)) inputs.forEach((input, port) => cut.add(`${input}>${n.id}>${port}`));
  }

  // Connected components over the remaining edges (tables excluded: they are global).
  const parent = new Map(plan.nodes.map((n) => [n.id, n.id]));
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const n of plan.nodes) {
    if (n.op === "table") continue;
    inputsOf(n).forEach((input, port) => {
      if (byId.get(input)!.op === "table" || cut.has(`${input}>${n.id}>${port}`)) return;
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
        if (!cut.has(`${input}>${n.id}>${port}`)) return;
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
