/** Test helpers for combiners. */

import type { Combiner } from "../../src/combine/types.ts";

/** An input with its event time. */
export type Timed = readonly [value: unknown, ts: number];

/** Adds every input to a fresh accumulator. */
export const accumulate = <A>(c: Combiner<A>, inputs: readonly Timed[]): A => inputs.reduce((acc, [v, ts]) => c.add(acc, v, ts), c.create());

/** The result of adding `inputs` in order. */
export const run = <A>(c: Combiner<A>, inputs: readonly Timed[]): unknown => c.extract(accumulate(c, inputs));

/** Inputs that all share one timestamp. */
export const at = (ts: number, ...values: unknown[]): Timed[] => values.map((v) => [v, ts]);

/** True when `x` is plain JSON: what a changelog can store and give back unchanged. */
export const isPlainJson = (x: unknown): boolean => {
  if (x === null || typeof x === "string" || typeof x === "boolean") return true;
  if (typeof x === "number") return Number.isFinite(x) && !Object.is(x, -0);
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) if (!(i in x) || !isPlainJson(x[i])) return false;
    return true;
  }
  if (typeof x === "object") {
    const proto = Object.getPrototypeOf(x);
    return (proto === Object.prototype || proto === null) && Object.values(x).every(isPlainJson);
  }
  return false;
};

/** A JSON round trip, as through a Kafka changelog. */
export const viaChangelog = <A>(acc: A): A => JSON.parse(JSON.stringify(acc)) as A;
