/**
 * Where a plan split by source key needs an exchange. A runner that spreads a
 * plan's records over independent parts by source key (Kafka partitions, the
 * DirectRunner's worker threads) may run a keyed stage (combine, join,
 * sequence) inside each part only when all elements of a stage key are
 * already in one part — each source on the path is keyed by a subset of the
 * stage key and no stage in between rewrites fields (`keepsSourceKey`). A
 * dedupe is placed the same way by its id (`by` fields). Every other edge into
 * such a stage is **cut**: its elements must be repartitioned by the stage key
 * (Kafka: a repartition topic, as in Kafka Streams). Tables are read whole by
 * every part, so an edge from a table is never cut.
 *
 * One rule for every runner: a plan with no cut edge gives the same output
 * split into any number of parts, because each part then holds whole source
 * keys and nothing downstream meets elements of another part.
 *
 * @module
 */
import type { Plan } from "../../plan/ir.ts";
import { inputsOf } from "../../plan/ir.ts";
import { validatePlan } from "../../plan/validate.ts";
import { keepsSourceKey } from "./source-keys.ts";

/** Stages that need all elements of their key in one part. */
const KEYED = new Set(["combine", "join", "sequence"]);

/** The name of the edge from `input` into port `port` of stage `to`, as {@link repartitionCuts} holds it. */
export const edgeName = (input: string, to: string, port: number): string => `${input}>${to}>${port}`;

/**
 * The edges of `plan` that must be repartitioned when its records are spread over parts by source key,
 * as {@link edgeName}s, in plan order of the stage they enter.
 */
export const repartitionCuts = (plan: Plan): ReadonlySet<string> => {
  const { hash: _h, ...unhashed } = plan;
  const facts = validatePlan(unhashed);
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));

  // Sources upstream of a stage (tables excluded: they are read whole).
  const sourcesOf = (id: string, into = new Set<string>()): Set<string> => {
    const n = byId.get(id)!;
    if (n.op === "source") into.add(n.id);
    else for (const i of inputsOf(n)) if (byId.get(i)!.op !== "table") sourcesOf(i, into);
    return into;
  };

  // Cut edges into keyed stages whose input is not already partitioned by the key. A stage may
  // skip the repartition only when every input keeps its source key AND all the sources it reads
  // are keyed by the same fields (so their records of one key share a part: co-partitioned).
  // Otherwise every input is repartitioned, so all of them use one partitioner on the stage key.
  // A dedupe is keyed by its id (`by`) the same way: its input is repartitioned by the id unless
  // the source key already partitions by it — so dedupe never depends on the part count.
  const cut = new Set<string>();
  // True when a path from `id` up to its sources crosses a dedupe repartitioned by id (the elements
  // are then partitioned by that id, not by their source key); keyed stages end the walk.
  const afterIdRepartition = (id: string): boolean => {
    const n = byId.get(id)!;
    if (n.op === "source" || n.op === "table" || KEYED.has(n.op)) return false;
    if (n.op === "dedupe" && cut.has(edgeName(n.input, n.id, 0))) return true;
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
  // clock, so it must see all of a source key's elements, in one part.
  const beforeTimestamps = (id: string): boolean => plan.nodes.some((c) => inputsOf(c).includes(id) && (c.op === "withTimestamps" || beforeTimestamps(c.id)));
  for (const n of plan.nodes) {
    if (n.op === "dedupe") {
      // Not moved: below a keyed aggregate (the elements are panes, whose rows must stay together),
      // or above a withTimestamps (source-key clocks). There it stays per source part.
      if (!afterKeyed(n.input) && !beforeTimestamps(n.id) && !coPartitioned([n.input], n.by)) cut.add(edgeName(n.input, n.id, 0));
      continue;
    }
    if (!KEYED.has(n.op)) continue;
    const key = facts.get(inputsOf(n)[0]!)?.key ?? [];
    const inputs = inputsOf(n);
    if (!coPartitioned(inputs, key)) inputs.forEach((input, port) => cut.add(edgeName(input, n.id, port)));
  }
  return cut;
};

/** The first stage (in plan order) with a cut input edge, or undefined when the plan splits by source key as it is. */
export const firstRepartitionedStage = (plan: Plan): string | undefined => {
  const cut = repartitionCuts(plan);
  return plan.nodes.find((n) => inputsOf(n).some((input, port) => cut.has(edgeName(input, n.id, port))))?.id;
};
