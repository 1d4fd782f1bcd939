/**
 * What validation knows about the stream a stage outputs, and the checking
 * context each per-op validator receives (`nodes.ts` holds the table).
 *
 * @module
 */
import type { DefinitionError } from "../../core/errors.ts";
import type { Registry } from "../../registry/registry.ts";
import type { WindowFn } from "../../window/types.ts";
import type { Op, PlanNode, WindowNode } from "../ir.ts";

/** What is known about the stream a node outputs. */
export interface StreamFacts {
  /** Key fields when keyed, else null. */
  readonly key: readonly string[] | null;
  /** True when every element has an event time assigned. */
  readonly timed: boolean;
  /** The window stage in force, if any. */
  readonly window: WindowNode | null;
  /**
   * Whether elements are panes of a keyed aggregate that may fire more than
   * once (early or late firings, or sequences updating per element).
   */
  readonly multiPane: boolean;
}

/** The facts of a fresh, unkeyed, untimed stream (a source, or a stage with no known input). */
export const UNSHAPED: StreamFacts = { key: null, timed: false, window: null, multiPane: false };

/** True when two window functions are the same (same kind and parameters). */
export const sameWindow = (a: WindowFn, b: WindowFn): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What a per-op validator is given: the stage, its inputs' facts, and ways to report. */
export interface NodeCheck<N extends PlanNode = PlanNode> {
  /** The stage being checked. */
  readonly node: N;
  /** The facts of the stage's inputs that are known, in input order. */
  readonly ins: readonly StreamFacts[];
  /** The first input's facts, or `UNSHAPED` when there is none. */
  readonly input: StreamFacts;
  /** The stages seen so far (this one included), by name. */
  readonly byId: ReadonlyMap<string, PlanNode>;
  /** The registry to resolve executors and combiners against, when given. */
  readonly registry: Registry | undefined;
  /** Reports a problem of this stage with its fix. */
  report(problem: string, fix: string): void;
  /** Adds errors already built elsewhere (e.g. by the window checks). */
  push(...errors: DefinitionError[]): void;
  /** Reports that `what` needs a keyed stream when the input is not keyed. */
  needKey(what: string): void;
  /** Reports when the input carries panes that may fire more than once. */
  noMultiPane(): void;
}

/** Checks one stage and returns the facts of its output. */
export type NodeValidator<N extends PlanNode = PlanNode> = (check: NodeCheck<N>) => StreamFacts;

/** One validator per op; ops without one pass their input's facts through. */
export type NodeValidators = { readonly [K in Op]?: NodeValidator<Extract<PlanNode, { op: K }>> };
