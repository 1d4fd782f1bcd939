/**
 * The plan IR: the portable, versioned JSON form of a pipeline definition.
 *
 * A plan is a DAG of nodes in topological order. Every node has a stable `id`
 * (its stage name) that runners use for state stores and internal topics, so
 * it never depends on the node's position. Business logic appears only as
 * executor references (`name@version`); everything else is data, including
 * expressions (see `src/expr/ast.ts`). The meaning of each node is defined in
 * docs/semantics.md.
 *
 * @module
 */
import type { Expr, Json } from "../expr/ast.ts";
import type { SchemaJson } from "../schema/json-schema.ts";
import type { WindowFn } from "../window/types.ts";
import type { ExecutorHook } from "../registry/executor.ts";
import type { ServeSpec } from "./serve.ts";

/** The format tag of plans this code writes and reads. */
export const PLAN_FORMAT = "lockstep.plan/1";

/** `name@version`, e.g. `longView@1`. */
export type ExecutorRef = string;

/** A source of events: one JSON object per element, decoded by `schema`. */
export interface SourceNode {
  readonly id: string;
  readonly op: "source";
  readonly schema: SchemaJson;
  /**
   * Fields that identify the ordered substream an element belongs to (the
   * Kafka message key). Lateness clocks are kept per source key. Empty: the
   * whole source is one ordered stream.
   */
  readonly key: readonly string[];
}

/** A versioned table for point-in-time lookups. */
export interface TableNode {
  readonly id: string;
  readonly op: "table";
  readonly schema: SchemaJson;
  /** The field the table is looked up by. */
  readonly key: string;
  /** The field holding the time (ms) from which a row version is valid. */
  readonly validFrom: string;
}

/** Replaces each element with the value of `expr` (an object). */
export interface MapNode {
  readonly id: string;
  readonly op: "map";
  readonly input: string;
  readonly expr: Expr;
}

/** Keeps the elements for which `expr` is exactly `true`. */
export interface FilterNode {
  readonly id: string;
  readonly op: "filter";
  readonly input: string;
  readonly expr: Expr;
}

/** Replaces each element with the items of the array `expr` yields. */
export interface FlatMapNode {
  readonly id: string;
  readonly op: "flatMap";
  readonly input: string;
  readonly expr: Expr;
  /** When set, each item becomes `{ [as]: item }`; otherwise items must be objects. */
  readonly as?: string;
}

/** Assigns each element's event time (ms) from `expr`. */
export interface WithTimestampsNode {
  readonly id: string;
  readonly op: "withTimestamps";
  readonly input: string;
  readonly expr: Expr;
}

/** Sets the element's key to the values of `fields`. */
export interface KeyByNode {
  readonly id: string;
  readonly op: "keyBy";
  readonly input: string;
  readonly fields: readonly string[];
}

/** What a dispatch branch does with an element. */
export type Branch = "keep" | "drop" | ExecutorRef;

/** Routes each element by the value of `field` to a branch. */
export interface DispatchNode {
  readonly id: string;
  readonly op: "dispatch";
  readonly input: string;
  readonly field: string;
  readonly branches: Readonly<Record<string, Branch>>;
  /** For values with no branch: keep, drop, or send to dead letters (default). */
  readonly otherwise: "keep" | "drop" | "deadLetter";
}

/** Runs one executor's hooks on every element. */
export interface ApplyNode {
  readonly id: string;
  readonly op: "apply";
  readonly input: string;
  readonly executor: ExecutorRef;
}

/** When a window emits panes. */
export interface Trigger {
  /** Emit an early pane after every `every` elements of a window, before it is complete. */
  readonly early?: { readonly every: number };
  /** Emit a late pane for each element that arrives after the on-time pane but within the allowed lateness. */
  readonly late: boolean;
}

/** Assigns windows to keyed elements. */
export interface WindowNode {
  readonly id: string;
  readonly op: "window";
  readonly input: string;
  readonly window: WindowFn;
  /** How far (ms) behind its key's clock an element may be and still count. */
  readonly allowedLateness: number;
  readonly trigger: Trigger;
}

/** One aggregate of a combine. */
export type AggSpec =
  | { readonly fn: "count" }
  | {
      readonly fn: "sum" | "min" | "max" | "mean" | "first" | "last" | "collect" | "countDistinct";
      readonly input: Expr;
    }
  | { readonly fn: "topK"; readonly input: Expr; readonly k: number }
  | { readonly fn: "custom"; readonly combiner: ExecutorRef; readonly input: Expr };

/** Aggregates each key and window into one row. */
export interface CombineNode {
  readonly id: string;
  readonly op: "combine";
  readonly input: string;
  /** Output field → aggregate, in output order. */
  readonly aggs: readonly (readonly [string, AggSpec])[];
}

/** A windowed stream–stream join on the key. */
export interface JoinNode {
  readonly id: string;
  readonly op: "join";
  readonly left: string;
  readonly right: string;
  readonly kind: "inner" | "left";
  /** Output field names for the two sides. */
  readonly as: readonly [string, string];
}

/** Point-in-time enrichment from a table. */
export interface LookupNode {
  readonly id: string;
  readonly op: "lookup";
  readonly input: string;
  readonly table: string;
  /** The element field whose value is looked up in the table's key. */
  readonly on: string;
  /** Output field → table field. */
  readonly take: readonly (readonly [string, string])[];
}

/** Per key, the latest N elements by event time. */
export interface SequenceNode {
  readonly id: string;
  readonly op: "sequence";
  readonly input: string;
  readonly latest: number;
  /** The field identifying an element; ties in time are broken by it, and it deduplicates. */
  readonly idField: string;
  /** Fields of each element kept in the sequence, in this order. */
  readonly fields: readonly string[];
  /** The output field holding the sequence. */
  readonly as: string;
  /** Elements older than the key's newest event time minus `ttl` (ms) are dropped. */
  readonly ttl?: number;
}

/** Drops elements whose `by` fields were seen before. */
export interface DedupeNode {
  readonly id: string;
  readonly op: "dedupe";
  readonly input: string;
  readonly by: readonly string[];
  /** Forget an id once the source clock passes its event time plus `ttl` (ms). */
  readonly ttl?: number;
}

/** The union of several streams. */
export interface FlattenNode {
  readonly id: string;
  readonly op: "flatten";
  readonly inputs: readonly string[];
}

/** A named output. */
export interface SinkNode {
  readonly id: string;
  readonly op: "sink";
  readonly input: string;
  /** How the sink's view is served: request parameters and request-time stages (`src/plan/serve.ts`). */
  readonly serve?: ServeSpec;
}

/** Every node kind. */
export type PlanNode =
  | SourceNode
  | TableNode
  | MapNode
  | FilterNode
  | FlatMapNode
  | WithTimestampsNode
  | KeyByNode
  | DispatchNode
  | ApplyNode
  | WindowNode
  | CombineNode
  | JoinNode
  | LookupNode
  | SequenceNode
  | DedupeNode
  | FlattenNode
  | SinkNode;

/** The op names. */
export type Op = PlanNode["op"];

/** How the engine calls an external service an executor uses. */
export interface ServicePolicy {
  /** Give up on one attempt after this many ms. */
  readonly timeoutMs: number;
  /** Further attempts after a failure or timeout. */
  readonly retries: number;
  /** First backoff between attempts (ms), doubled each retry. */
  readonly backoffMs: number;
  /** Calls in flight at once. */
  readonly concurrency: number;
  /** Responses cached by canonical request; 0 disables the cache. */
  readonly cacheSize: number;
}

/** A whole pipeline definition, as JSON. */
export interface Plan {
  readonly format: typeof PLAN_FORMAT;
  readonly name: string;
  readonly version: number;
  /** `sha256:` + hex digest of the canonical JSON of the plan without `hash`. */
  readonly hash: string;
  /** The parameter values the definition was built with. */
  readonly params: Readonly<Record<string, string>>;
  /** Services executors may call, by name. */
  readonly services: Readonly<Record<string, ServicePolicy>>;
  /** Executor references the plan uses (sorted, unique); checked at load time. */
  readonly executors: readonly ExecutorRef[];
  /**
   * The hooks each executor has, sorted. With them a plan's field references
   * are checked past its executors without their code (an executor with
   * neither `enrich` nor `featurize` keeps its input's shape); with a
   * registry, loading checks that each executor still has these hooks (a
   * change of hooks needs a new version). Absent in plans compiled before.
   */
  readonly executorHooks?: Readonly<Record<ExecutorRef, readonly ExecutorHook[]>>;
  readonly nodes: readonly PlanNode[];
}

/** A plan before its hash is computed. */
export type UnhashedPlan = Omit<Plan, "hash">;

/** The ids of the nodes a node reads. */
export const inputsOf = (node: PlanNode): readonly string[] => {
  switch (node.op) {
    case "source":
    case "table":
      return [];
    case "join":
      return [node.left, node.right];
    case "flatten":
      return node.inputs;
    case "lookup":
      return [node.input, node.table];
    default:
      return [node.input];
  }
};

/** Ops that keep per-key state (need a key and, except sequence/dedupe/lookup, a window). */
export const KEYED_OPS: ReadonlySet<Op> = new Set<Op>(["window", "combine", "join", "sequence"]);

export type { Expr, Json, SchemaJson, WindowFn };
