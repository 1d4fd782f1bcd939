/**
 * Builds the operator graph of a plan: the engine every record-at-a-time
 * runner shares. A runner feeds it input records (per source and table) in
 * its arrival order and receives sink elements; it supplies the state
 * backend, where dead letters and late elements go, and when input ends.
 *
 * @module
 */
import type { Plan, PlanNode, SourceNode, TableNode, WindowNode } from "../plan/ir.ts";
import { inputsOf } from "../plan/ir.ts";
import type { StreamFacts } from "../plan/validate.ts";
import { validatePlan } from "../plan/validate.ts";
import { fromSchema } from "../schema/from-schema.ts";
import { makeDecoder } from "../schema/decode.ts";
import { admit, sourceKeyText } from "./edge.ts";
import type { DeadLetterBody } from "./edge.ts";
import { elem } from "./elem.ts";
import type { Elem, Origin } from "./elem.ts";
import type { Emit, EngineContext, Operator } from "./operator.ts";
import { combineOp } from "./ops/combine.ts";
import { dedupeOp } from "./ops/dedupe.ts";
import { applyOp, dispatchOp } from "./ops/executors.ts";
import { joinOp } from "./ops/join.ts";
import { lookupOp } from "./ops/lookup.ts";
import { sequenceOp } from "./ops/sequence.ts";
import { filterOp, flatMapOp, keyByOp, mapOp, passOp } from "./ops/stateless.ts";
import { withTimestampsOp } from "./ops/with-timestamps.ts";
import { serviceCallers } from "./services.ts";
import type { ServiceCaller } from "./services.ts";

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

/** The window stage in force for a keyed stage's input, or null (implicit global). */
const windowOf = (facts: Map<string, StreamFacts>, inputId: string): WindowNode | null => facts.get(inputId)?.window ?? null;

/**
 * Whether a keyed stage may drop a window's state once the key's clock passes
 * its end plus lateness: only when every element of a stage key comes from one
 * source key, so the key's clock never goes back. Decided conservatively from
 * the plan: every path from a source must keep the source-key fields intact
 * (no map, flatMap or executor) and the stage key must include them.
 */
export const exactCleanupOf = (_plan: Plan, byId: Map<string, PlanNode>, facts: Map<string, StreamFacts>, node: PlanNode): boolean => {
  const key = facts.get(inputsOf(node)[0]!)?.key ?? [];
  // Two sources keyed alike still have independent clocks: only one source keeps a key's clock monotone.
  const sources = new Set<string>();
  const collect = (id: string): void => {
    const n = byId.get(id)!;
    if (n.op === "source") sources.add(n.id);
    else for (const i of inputsOf(n)) if (byId.get(i)!.op !== "table") collect(i);
  };
  inputsOf(node).forEach(collect);
  return sources.size === 1 && inputsOf(node).every((id) => keepsSourceKey(byId, id, key));
};

/**
 * True when every element leaving stage `id` with a given value of the `key`
 * fields comes from one source key: each source on the way is keyed by a
 * subset of `key`, and no stage in between rewrites fields (map, flatMap,
 * executors) or aggregates. Runners use it to skip repartitioning too.
 */
export const keepsSourceKey = (byId: ReadonlyMap<string, PlanNode>, id: string, key: readonly string[]): boolean => {
  const fields = new Set(key);
  const ok = (at: string): boolean => {
    const n = byId.get(at)!;
    switch (n.op) {
      case "source":
        return n.key.length > 0 && n.key.every((f) => fields.has(f));
      case "filter":
      case "withTimestamps":
      case "keyBy":
      case "window":
      case "dedupe":
        return ok(n.input);
      case "flatten":
        return n.inputs.every(ok);
      case "lookup":
        return n.take.every(([to]) => !fields.has(to)) && ok(n.input);
      default:
        return false;
    }
  };
  return ok(id);
};

/** Builds the operator graph of a validated plan. */
export const buildTopology = (plan: Plan, ctx: EngineContext, onSink: SinkHandler, opts: TopologyOptions = {}): Topology => {
  const built = (id: string) => opts.only === undefined || opts.only.has(id);
  const { hash: _h, ...unhashed } = plan;
  const facts = validatePlan(unhashed, ctx.registry);
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const consumers = new Map<string, { op: () => Operator; port: number }[]>();
  const ops = new Map<string, Operator>();
  const services = serviceCallers(plan.services, ctx.registry.services);

  for (const n of plan.nodes) {
    inputsOf(n).forEach((input, port) => {
      const list = consumers.get(input) ?? [];
      const p = n.op === "lookup" && input === n.table ? 1 : port;
      if (built(n.id)) list.push({ op: () => ops.get(n.id)!, port: p });
      // Tables are global: every part of a split plan that looks one up loads it itself.
      else if (built(input) && byId.get(input)!.op !== "table") {
        const boundary = opts.boundary;
        if (!boundary) throw new Error(`stage "${n.id}" is outside the topology but no boundary handler was given`);
        const to = n.id;
        // Pane markers only matter to sinks, and a boundary always feeds a keyed stage, which ignores them.
        list.push({ op: () => ({ id: to, process: (e, q) => (e.marker ? undefined : boundary(to, q, e)), finish: () => {} }), port: p });
      }
      consumers.set(input, list);
    });
  }

  const emitterOf = (id: string): Emit => {
    const list = consumers.get(id) ?? [];
    if (list.length === 1) {
      const { op, port } = list[0]!;
      let target: Operator | undefined;
      return (e) => (target ??= op()).process(e, port);
    }
    return (e) => {
      for (let i = 0; i < list.length; i++) {
        const r = list[i]!.op().process(e, list[i]!.port);
        if (r) {
          const rest = list.slice(i + 1);
          return r.then(async () => {
            for (const c of rest) await c.op().process(e, c.port);
          });
        }
      }
    };
  };

  const decoders = new Map<string, (v: unknown) => { ok: true; value: unknown } | { ok: false; reason: string }>();
  for (const n of plan.nodes) {
    if (!built(n.id)) continue;
    const emit = emitterOf(n.id);
    switch (n.op) {
      case "source":
      case "table":
        decoders.set(n.id, makeDecoder(fromSchema(n.schema)));
        break;
      case "map":
        ops.set(n.id, mapOp(n, ctx, emit));
        break;
      case "filter":
        ops.set(n.id, filterOp(n, ctx, emit));
        break;
      case "flatMap":
        ops.set(n.id, flatMapOp(n, ctx, emit));
        break;
      case "withTimestamps":
        ops.set(n.id, withTimestampsOp(n, ctx, emit));
        break;
      case "keyBy":
        ops.set(n.id, keyByOp(n, ctx, emit));
        break;
      case "window":
      case "flatten":
        ops.set(n.id, passOp(n.id, ctx, emit));
        break;
      case "dispatch":
        ops.set(n.id, dispatchOp(n, ctx, emit, services));
        break;
      case "apply":
        ops.set(n.id, applyOp(n, ctx, emit, services));
        break;
      case "dedupe":
        ops.set(n.id, dedupeOp(n, ctx, emit));
        break;
      case "lookup":
        ops.set(n.id, lookupOp(n, byId.get(n.table) as TableNode, ctx, emit));
        break;
      case "sequence":
        ops.set(n.id, sequenceOp(n, ctx, emit));
        break;
      case "combine":
        ops.set(n.id, combineOp(n, windowOf(facts, n.input), exactCleanupOf(plan, byId, facts, n), ctx, emit));
        break;
      case "join":
        ops.set(n.id, joinOp(n, windowOf(facts, n.left)!, windowOf(facts, n.right)!, exactCleanupOf(plan, byId, facts, n), ctx, emit));
        break;
      case "sink": {
        const name = n.id;
        ops.set(n.id, { id: name, process: (e) => onSink(name, e), finish: () => {} });
        break;
      }
    }
  }

  const sources = plan.nodes.filter((n): n is SourceNode => n.op === "source" && built(n.id));
  const tables = plan.nodes.filter((n): n is TableNode => n.op === "table" && built(n.id));
  const entries = new Map<string, { node: SourceNode | TableNode; emit: Emit }>();
  for (const n of [...sources, ...tables]) entries.set(n.id, { node: n, emit: emitterOf(n.id) });

  const push = (input: string, r: RawRecord): void | Promise<void> => {
    const entry = entries.get(input);
    if (!entry) throw new Error(`"${input}" is not a source or table of pipeline "${plan.name}" (it has: ${[...entries.keys()].join(", ")})`);
    const m = ctx.metrics(input);
    m.in++;
    const origin: Origin = r.partition === undefined ? { source: input, offset: r.offset } : { source: input, offset: r.offset, partition: r.partition };
    const dead = (reason: string, extra: DeadLetterBody) => {
      m.deadLetters++;
      ctx.deadLetter({ source: input, offset: r.offset, ...(r.partition === undefined ? {} : { partition: r.partition }), stage: input, reason, ...extra });
    };
    const node = entry.node;
    const a = admit(node, r, decoders.get(input)!);
    if (!a.ok) return dead(a.reason, a.body);
    const v = a.value;
    const key = node.op === "source" ? sourceKeyText(node, v) : null;
    const sk = key === null ? input : input + "\u0000" + key;
    m.out++;
    return entry.emit(elem(v, 0, -Infinity, sk, undefined, undefined, undefined, undefined, false, origin));
  };

  const finish = async (): Promise<void> => {
    // Plan order is topological, so a stage's end-of-input panes reach stages that have not finished yet.
    for (const n of plan.nodes) {
      const op = ops.get(n.id);
      if (op) await op.finish();
    }
  };

  const flush = async (): Promise<void> => {
    for (const n of plan.nodes) {
      const op = ops.get(n.id);
      if (op?.flush) await op.flush();
    }
  };

  const advance = async (time: number): Promise<void> => {
    for (const n of plan.nodes) {
      const op = ops.get(n.id);
      if (op?.advance) await op.advance(time);
    }
  };

  const inject = (to: string, port: number, e: Elem): void | Promise<void> => {
    const op = ops.get(to);
    if (!op) throw new Error(`stage "${to}" is not part of this topology`);
    return op.process(e, port);
  };

  const maxClock = (): number => {
    let c = -Infinity;
    for (const op of ops.values()) if (op.clock) c = Math.max(c, op.clock());
    return c;
  };

  return { push, inject, sources, tables, finish, flush, advance, maxClock, services };
};
