/**
 * Declaring business logic: executors and user combiners.
 *
 * @module
 */
import { DefinitionError } from "../src/core/errors.ts";
import { checkCustomCombiner } from "../src/combine/custom.ts";
import type { CustomCombiner, Executor, ExecutorHooks } from "../src/registry/executor.ts";
import { parseRef, refOf } from "../src/registry/executor.ts";

const checkName = (kind: string, name: string, version: number): void => {
  if (!parseRef(refOf(name, version)) || !Number.isInteger(version) || version < 0) {
    throw new DefinitionError(
      `${kind} "${name}" version ${version}`,
      "names are letters, digits, _ . - (not starting with a digit) and versions whole numbers ≥ 0",
      `e.g. ${kind}("longView", 1, …)`,
    );
  }
};

/**
 * A named, versioned executor. Bump the version whenever its behaviour
 * changes: definitions store `name@version`, and runners refuse to run a
 * definition whose executors they do not have in that exact version.
 *
 * @example
 * const longView = L.executor("longView", 1, { filter: (e: Event) => (e.durationMs ?? 0) >= 1000 });
 */
export const executor = <I, O = I>(name: string, version: number, hooks: ExecutorHooks<I, O> & { readonly uses?: readonly string[] }): Executor<I, O> => {
  checkName("executor", name, version);
  if (!hooks.normalize && !hooks.filter && !hooks.enrich && !hooks.featurize) {
    throw new DefinitionError(`executor "${name}"`, "has no hooks", "give it at least one of normalize, filter, enrich, featurize");
  }
  return { kind: "executor", name, version, ref: refOf(name, version), uses: [...(hooks.uses ?? [])], ...hooks };
};

/**
 * A named, versioned user combiner for `L.aggregate`. Accumulators must be
 * plain JSON (they are stored in changelogs) and `merge` must be associative.
 */
export const combiner = <A, I, O>(
  name: string,
  version: number,
  fns: { create(): A; add(acc: A, input: I, ts: number): A; merge(a: A, b: A): A; extract(acc: A): O },
): CustomCombiner<A, I, O> => {
  checkName("combiner", name, version);
  checkCustomCombiner(fns, name);
  return {
    kind: "combiner",
    name,
    version,
    ref: refOf(name, version),
    create: fns.create,
    add: fns.add,
    merge: fns.merge,
    extract: fns.extract,
  };
};
