/**
 * Builds the operator graph of a plan: the engine every record-at-a-time
 * runner shares. A runner feeds it input records (per source and table) in
 * its arrival order and receives sink elements; it supplies the state
 * backend, where dead letters and late elements go, and when input ends.
 *
 * The parts are in `topology/`: `wiring.ts` (who consumes whom, emitters),
 * `stages.ts` (the operator of each op), `chains.ts` (which stateless stages
 * run fused, `ops/chain.ts`), `inputs.ts` (the input edge),
 * `source-keys.ts` (what the plan says about source keys at keyed stages).
 *
 * @module
 */
import type { Plan, SourceNode, TableNode } from "../plan/ir.ts";
import { validatePlan } from "../plan/validate.ts";
import type { Elem } from "./elem.ts";
import type { Operator } from "./operator.ts";
import type { EngineContext } from "./operator.ts";
import { serviceCallers } from "./services.ts";
import type { ServiceCaller } from "./services.ts";
import { inputEntry, inputPusher } from "./topology/inputs.ts";
import type { InputEntry } from "./topology/inputs.ts";
import { fusedChain } from "./ops/chain.ts";
import type { FusedChain } from "./ops/chain.ts";
import { chainsOf, isChainNode, readCounts } from "./topology/chains.ts";
import { buildStage } from "./topology/stages.ts";
import type { StageEnv } from "./topology/stages.ts";
import { consumersOf, emitterOf } from "./topology/wiring.ts";

export { exactCleanupOf, keepsSourceKey } from "./topology/source-keys.ts";

export type { RawRecord } from "./raw-record.ts";
import type { RawRecord } from "./raw-record.ts";

/** Where the engine sends sink elements (rows and pane markers). */
export type SinkHandler = (sink: string, e: Elem) => void | Promise<void>;

/** Options for building part of a plan (a runner's sub-topology). */
export interface TopologyOptions {
  /** Build only these stages; elements for stages outside go to `boundary`. */
  readonly only?: ReadonlySet<string>;
  /** Receives elements bound for a stage outside `only` (e.g. through a repartition topic). */
  readonly boundary?: (to: string, port: number, e: Elem) => void | Promise<void>;
}

/** A running operator graph. */
export interface Topology {
  /** Feeds an element that crossed a boundary into stage `to` on `port`. */
  inject(to: string, port: number, e: Elem): void | Promise<void>;
  /** Feeds one record of a source or table; rejected records go to the dead letters. */
  push(input: string, record: RawRecord): void | Promise<void>;
  /** Sources, in plan order. */
  readonly sources: readonly SourceNode[];
  /** Tables, in plan order. */
  readonly tables: readonly TableNode[];
  /** End of input: drains async stages and fires every open window, in plan order. */
  finish(): Promise<void>;
  /** Delivers results still in flight in async stages, in plan order (before a commit). */
  flush(): Promise<void>;
  /** Fires windows that ended by `time` although no element came (idle inputs); see `Operator.advance`. */
  advance(time: number): Promise<void>;
  /** The largest element clock any stage has seen, -Infinity if none. */
  maxClock(): number;
  /** Service callers, for metrics. */
  readonly services: ReadonlyMap<string, ServiceCaller>;
}

/** Builds the operator graph of a validated plan. */
export const buildTopology = (plan: Plan, ctx: EngineContext, onSink: SinkHandler, opts: TopologyOptions = {}): Topology => {
  const built = (id: string) => opts.only === undefined || opts.only.has(id);
  const { hash: _h, ...unhashed } = plan;
  const facts = validatePlan(unhashed, ctx.registry);
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const services = serviceCallers(plan.services, ctx.registry.services);
  const ops = new Map<string, Operator>();
  const consumers = consumersOf(plan, byId, built, (id) => ops.get(id)!, opts.boundary);

  const env: StageEnv = { plan, byId, facts, ctx, services, onSink };
  // Stateless stages run fused, a chain at a time; each stage still has its operator (entering the chain there).
  const chainAt = new Map<string, { chain: FusedChain; index: number } | undefined>();
  const chainOfHead = new Map<string, FusedChain>();
  for (const members of chainsOf(plan, built)) {
    const chain = fusedChain(members, ctx, emitterOf(consumers, members[members.length - 1]!.id));
    chainOfHead.set(members[0]!.id, chain);
    members.forEach((m, index) => chainAt.set(m.id, { chain, index }));
  }
  for (const n of plan.nodes) {
    if (!built(n.id) || n.op === "source" || n.op === "table") continue;
    if (isChainNode(n)) {
      const at = chainAt.get(n.id)!;
      ops.set(n.id, at.chain.ops[at.index]!);
    } else ops.set(n.id, buildStage(n, env, emitterOf(consumers, n.id)));
  }

  const sources = plan.nodes.filter((n): n is SourceNode => n.op === "source" && built(n.id));
  const tables = plan.nodes.filter((n): n is TableNode => n.op === "table" && built(n.id));
  const entries = new Map<string, InputEntry>();
  const reads = readCounts(plan);
  // A source read only by the head of a chain hands its values straight in: no envelope to unwrap.
  const enterOf = (id: string) => {
    if (reads.get(id) !== 1) return undefined;
    const reader = plan.nodes.find((n) => isChainNode(n) && n.input === id);
    return reader === undefined ? undefined : chainOfHead.get(reader.id)?.enter;
  };
  for (const n of [...sources, ...tables]) entries.set(n.id, inputEntry(n, emitterOf(consumers, n.id), n.op === "source" ? enterOf(n.id) : undefined));

  // `ops` was filled in plan order, which is topological: a stage's end-of-input panes reach stages
  // that have not finished yet.
  const inPlanOrder = [...ops.values()];
  return {
    push: inputPusher(plan, ctx, entries),
    inject: (to, port, e) => {
      const op = ops.get(to);
      if (!op) throw new Error(`stage "${to}" is not part of this topology`);
      return op.process(e, port);
    },
    sources,
    tables,
    finish: async () => {
      for (const op of inPlanOrder) await op.finish();
    },
    flush: async () => {
      for (const op of inPlanOrder) if (op.flush) await op.flush();
    },
    advance: async (time) => {
      for (const op of inPlanOrder) if (op.advance) await op.advance(time);
    },
    maxClock: () => {
      let c = -Infinity;
      for (const op of inPlanOrder) if (op.clock) c = Math.max(c, op.clock());
      return c;
    },
    services,
  };
};
