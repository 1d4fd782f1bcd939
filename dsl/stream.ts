/**
 * Streams as values. A {@link Stream} is an immutable handle on one node of a
 * definition graph; each transform returns a new handle pointing at its
 * input(s), so a pipeline is a plain persistent DAG built with `pipe`.
 *
 * The type parameters carry what the compiler can check: `T` the element type,
 * `K` the key (an object of key fields, or `null` when unkeyed), `W` whether a
 * `window` stage is upstream.
 *
 * @module
 */
import type * as t from "io-ts";
import type { GraphNode } from "../src/plan/graph.ts";
import type { Op } from "../src/plan/ir.ts";
import type { Registrable } from "../src/registry/registry.ts";

/** One node of a definition graph (see src/plan/graph.ts). */
export type DslNode = GraphNode;

/** Whether a stream has passed through a `window` stage. */
export type Windowing = "none" | "windowed";

/** A stream of `T` elements, keyed by `K`, windowed when `W` is `"windowed"`. */
export interface Stream<T, K = null, W extends Windowing = "none"> {
  readonly kind: "stream";
  readonly node: DslNode;
  /** @internal phantom type carrier; never set */
  readonly _types?: { readonly t: T; readonly k: K; readonly w: W };
}

/** A versioned table of `T` rows for point-in-time lookups. */
export interface Table<T> {
  readonly kind: "table";
  readonly node: DslNode;
  /** @internal phantom */
  readonly _types?: { readonly t: T };
}

/** A named output of a pipeline. */
export interface Sink {
  readonly kind: "sink";
  readonly node: DslNode;
}

/** Options every transform accepts. */
export interface StageOptions {
  /**
   * A stable stage name. Runners name state stores and internal topics after
   * it; give one to stateful stages whose state must survive edits elsewhere.
   */
  readonly name?: string;
}

/** Makes a node. */
export const node = (
  op: Op,
  inputs: readonly DslNode[],
  body: Readonly<Record<string, unknown>>,
  opts: StageOptions | undefined,
  extra: { codec?: t.Mixed; uses?: readonly Registrable[] } = {},
): DslNode => ({ op, inputs, body, ...(opts?.name !== undefined ? { name: opts.name } : {}), ...extra });

/** Wraps a node as a stream handle of the given types. */
export const streamOf = <T, K = null, W extends Windowing = "none">(n: DslNode): Stream<T, K, W> => ({ kind: "stream", node: n });
