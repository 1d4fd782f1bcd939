/**
 * An executor's hooks in their fixed order (normalize → filter → enrich →
 * featurize, docs/semantics.md §5), run synchronously as long as every hook
 * returns a plain value.
 *
 * @module
 */
import type { EnrichContext, Executor } from "../../../registry/executor.ts";

/** The outcome of an element its `filter` hook rejected. */
export const DROP = Symbol("drop");
/** The output value, or `DROP`. */
export type Outcome = unknown;

/** True for a promise (or any thenable a hook may return). */
export const isPromise = (x: unknown): x is Promise<unknown> => typeof (x as { then?: unknown })?.then === "function";

/** Runs an executor's hooks, synchronously when every hook is synchronous. */
export const runHooks = (ex: Executor, value: unknown, ectx: EnrichContext): Outcome | Promise<Outcome> => {
  let step = 0;
  const next = (v: unknown): Outcome | Promise<Outcome> => {
    while (step < 4) {
      const s = step++;
      let r: unknown;
      if (s === 0) {
        if (!ex.normalize) continue;
        r = ex.normalize(v);
      } else if (s === 1) {
        if (!ex.filter) continue;
        const keep = ex.filter(v);
        if (isPromise(keep)) return keep.then((k) => (k === true ? next(v) : DROP));
        if (keep !== true) return DROP;
        continue;
      } else if (s === 2) {
        if (!ex.enrich) continue;
        r = ex.enrich(v, ectx);
      } else {
        if (!ex.featurize) continue;
        r = ex.featurize(v);
      }
      if (isPromise(r)) return r.then(next);
      v = r;
    }
    return v;
  };
  return next(value);
};
