/**
 * Which stages are fused into chains (`ops/chain.ts`): maximal runs of
 * stateless stages where each stage after the first reads only the one
 * before it, and that one is read by nothing else. A run ends where the plan
 * branches, joins, leaves the built part (a boundary) or reaches a stage of
 * another kind. Every stateless stage is in exactly one chain (a lone stage is
 * a chain of one), so there is one implementation of each stage.
 *
 * @module
 */
import type { Plan, PlanNode } from "../../plan/ir.ts";
import { inputsOf } from "../../plan/ir.ts";
import { CHAIN_OPS } from "../ops/chain.ts";
import type { ChainNode } from "../ops/chain.ts";

/** Whether `n` is a stage a fused chain holds. */
export const isChainNode = (n: PlanNode): n is ChainNode => CHAIN_OPS.has(n.op);

/** How many times each stage is read, over the whole plan (a stage read twice by one join counts twice). */
export const readCounts = (plan: Plan): Map<string, number> => {
  const reads = new Map<string, number>();
  for (const n of plan.nodes) for (const i of inputsOf(n)) reads.set(i, (reads.get(i) ?? 0) + 1);
  return reads;
};

/** The chains of the built stages of `plan`, each head first, in plan order of their heads. */
export const chainsOf = (plan: Plan, built: (id: string) => boolean): ChainNode[][] => {
  const reads = readCounts(plan);
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const nodes = plan.nodes.filter((n): n is ChainNode => isChainNode(n) && built(n.id));
  // A stage continues its input's chain when that input is a built chain stage read by it alone.
  const continues = (n: ChainNode): boolean => {
    const before = byId.get(n.input);
    return before !== undefined && isChainNode(before) && built(before.id) && reads.get(before.id) === 1;
  };
  const next = new Map<string, ChainNode>();
  for (const n of nodes) if (continues(n)) next.set(n.input, n);
  const chains: ChainNode[][] = [];
  for (const n of nodes) {
    if (continues(n)) continue;
    const chain = [n];
    for (let m = next.get(n.id); m !== undefined; m = next.get(m.id)) chain.push(m);
    chains.push(chain);
  }
  return chains;
};
