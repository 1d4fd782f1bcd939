/**
 * Combining: the combiner interface, the built-in aggregates, exact
 * summation, and checks on user combiners.
 *
 * @module
 */

export type { Combiner, BuiltinAgg } from "./types.ts";
export { builtinCombiner, validateBuiltinAgg, BUILTIN_AGGS } from "./builtins.ts";
export { checkCustomCombiner } from "./custom.ts";
export { fsum, fsumAdd, fsumValue } from "./fsum.ts";
export { toPlainJson } from "./json.ts";
