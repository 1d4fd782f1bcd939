/**
 * Checks on user-written combiners, which share the {@link Combiner} interface.
 *
 * @module
 */

import { DefinitionError } from "../core/errors.ts";
import type { Combiner } from "./types.ts";

const METHODS = ["create", "add", "merge", "extract"] as const;

const SHAPE = "create() → empty accumulator, add(acc, input, ts) → acc, merge(a, b) → acc, extract(acc) → result";

/**
 * Asserts that `c` has the four combiner functions, naming every missing one.
 * (Whether accumulators are plain JSON and `merge` is associative can only be
 * seen at run time.)
 *
 * @param name  the combiner's name, used as the error path
 * @throws DefinitionError when `c` is not an object or lacks a function
 */
export function checkCustomCombiner(c: unknown, name: string): asserts c is Combiner {
  if (c === null || (typeof c !== "object" && typeof c !== "function")) {
    throw new DefinitionError(name, `expected a combiner object, got ${c === null ? "null" : typeof c}`, `pass an object with ${SHAPE}`);
  }
  const obj = c as Record<string, unknown>;
  const missing = METHODS.filter((m) => typeof obj[m] !== "function");
  if (missing.length > 0) {
    const list = missing.map((m) => `${m}()`).join(", ");
    throw new DefinitionError(
      name,
      `combiner is missing ${list} (${missing.length === 1 ? "it is" : "they are"} ${missing.map((m) => (obj[m] === undefined ? "absent" : typeof obj[m])).join(", ")})`,
      `give the combiner all four functions: ${SHAPE}`,
    );
  }
}
