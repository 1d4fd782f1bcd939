/**
 * The combiner interface shared by built-in and user aggregates.
 *
 * The engine keeps one accumulator per key and window and stores it in a
 * Kafka changelog, so every accumulator must be plain JSON: arrays, plain
 * objects, strings, finite numbers, booleans and null — no Map, Set or class
 * instances, no `undefined`, no NaN or ±Infinity.
 *
 * @module
 */

/**
 * An associative aggregate. Runners add elements and merge partial
 * accumulators in any order and grouping; `extract` must not depend on either.
 */
export interface Combiner<A = unknown, I = unknown, O = unknown> {
  /** A fresh, empty accumulator. */
  create(): A;
  /** Adds one input with event time `ts` (ms); may mutate `acc` and return it. */
  add(acc: A, input: I, ts: number): A;
  /** Combines two accumulators; may mutate and return `a`, must leave `b` intact. Associative and commutative in effect. */
  merge(a: A, b: A): A;
  /** The result. Does not modify `acc`, which may keep growing afterwards. */
  extract(acc: A): O;
}

/** The built-in aggregates (see `builtinCombiner` for the semantics of each). */
export type BuiltinAgg =
  | { fn: "count" }
  | { fn: "sum" }
  | { fn: "min" }
  | { fn: "max" }
  | { fn: "mean" }
  | { fn: "first" }
  | { fn: "last" }
  | { fn: "topK"; k: number }
  | { fn: "collect" }
  | { fn: "countDistinct" };
