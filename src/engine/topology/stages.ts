/**
 * One operator per plan stage, from a table of builders by op (sources and
 * tables are not operators: they are the input edge, `inputs.ts`; stateless
 * stages are fused into chains, `chains.ts`).
 *
 * @module
 */
import type { Plan, PlanNode, SourceNode, TableNode, WindowNode } from "../../plan/ir.ts";
import type { StreamFacts } from "../../plan/validate.ts";
import type { Elem } from "../elem.ts";
import type { Emit, EngineContext, Operator } from "../operator.ts";
import { combineOp } from "../ops/combine.ts";
import { dedupeOp } from "../ops/dedupe.ts";
import { applyOp, dispatchOp } from "../ops/executors.ts";
import { joinOp } from "../ops/join.ts";
import { lookupOp } from "../ops/lookup.ts";
import { sequenceOp } from "../ops/sequence.ts";
import type { ChainNode } from "../ops/chain.ts";
import { passOp } from "../ops/stateless.ts";
import type { ServiceCaller } from "../services.ts";
import { exactCleanupOf } from "./source-keys.ts";

/** A plan node that becomes an operator of its own (stateless stages are fused into chains: `chains.ts`). */
export type StageNode = Exclude<PlanNode, SourceNode | TableNode | ChainNode>;

/** What a stage builder may use besides its node. */
export interface StageEnv {
  readonly plan: Plan;
  readonly byId: Map<string, PlanNode>;
  readonly facts: Map<string, StreamFacts>;
  readonly ctx: EngineContext;
  readonly services: Map<string, ServiceCaller>;
  /** Where sink elements go. */
  readonly onSink: (sink: string, e: Elem) => void | Promise<void>;
}

/** The window stage in force for a keyed stage's input, or null (implicit global). */
const windowOf = (facts: Map<string, StreamFacts>, inputId: string): WindowNode | null => facts.get(inputId)?.window ?? null;

type Builders = { readonly [K in StageNode["op"]]: (n: Extract<StageNode, { op: K }>, env: StageEnv, emit: Emit) => Operator };

const BUILDERS: Builders = {
  flatten: (n, { ctx }, emit) => passOp(n.id, ctx, emit),
  dispatch: (n, { ctx, services }, emit) => dispatchOp(n, ctx, emit, services),
  apply: (n, { ctx, services }, emit) => applyOp(n, ctx, emit, services),
  dedupe: (n, { ctx }, emit) => dedupeOp(n, ctx, emit),
  lookup: (n, { ctx, byId }, emit) => lookupOp(n, byId.get(n.table) as TableNode, ctx, emit),
  sequence: (n, { ctx }, emit) => sequenceOp(n, ctx, emit),
  combine: (n, { plan, byId, facts, ctx }, emit) => combineOp(n, windowOf(facts, n.input), exactCleanupOf(plan, byId, facts, n), ctx, emit),
  join: (n, { plan, byId, facts, ctx }, emit) =>
    joinOp(n, windowOf(facts, n.left)!, windowOf(facts, n.right)!, exactCleanupOf(plan, byId, facts, n), ctx, emit),
  sink: (n, { onSink }) => {
    const name = n.id;
    return { id: name, process: (e) => onSink(name, e), finish: () => {} };
  },
};

/** The operator of stage `n`, emitting to `emit`. */
export const buildStage = (n: StageNode, env: StageEnv, emit: Emit): Operator =>
  // TypeScript cannot correlate `n.op` with the builder's parameter type; the table's type checks each entry.
  (BUILDERS[n.op] as (n: StageNode, env: StageEnv, emit: Emit) => Operator)(n, env, emit);
