import { ast } from "../../src/expr/ast.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";
import type { WindowFields } from "./combine.ts";

/**
 * Collects each key's (and window's) elements into one array, ordered by
 * event time then canonical JSON. It is `combine` with one `collect` of the
 * whole element, and compiles to exactly that.
 */
export const groupByKey =
  <A extends string = "values">(opts?: StageOptions & { readonly as?: A }) =>
  <T, K extends object, W extends Windowing>(
    s: Stream<T, K, W>,
  ): Stream<K & (W extends "windowed" ? WindowFields : unknown) & { readonly [P in A]: T[] }, K, W> =>
    streamOf(node("combine", [s.node], { aggs: [[opts?.as ?? "values", { fn: "collect", input: ast.row() }]] }, opts));
