import type { Executor } from "../../src/registry/executor.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/** Keep the element unchanged. */
export const keep = "keep" as const;
/** Drop the element. */
export const drop = "drop" as const;

/** A branch of {@link dispatch}: keep, drop, or an executor for that event type. */
// biome-ignore lint/suspicious/noExplicitAny: a branch executor of any output type
export type DispatchBranch<I> = typeof keep | typeof drop | Executor<I, any>;

/** What a branch outputs. */
// biome-ignore lint/suspicious/noExplicitAny: any in an infer pattern matches every Executor
type BranchOut<I, B> = B extends Executor<any, infer O> ? O : B extends typeof keep ? I : never;

/** Options of {@link dispatch}. */
export interface DispatchOptions extends StageOptions {
  /** Elements whose type has no branch: `"deadLetter"` (default), `"keep"` or `"drop"`. */
  readonly otherwise?: "keep" | "drop" | "deadLetter";
}

/**
 * Routes each element by the value of an event-type field to per-type
 * business logic. With a literal-union field, every value must have a branch.
 *
 * @example L.dispatch("type", { save: L.keep, click: L.keep, view: longView, hide: L.drop })
 */
export const dispatch =
  <
    T,
    F extends keyof T & string,
    B extends { readonly [V in Extract<T[F], string>]: DispatchBranch<Extract<T, { [P in F]: V }> extends never ? T : Extract<T, { [P in F]: V }>> },
  >(
    field: F,
    branches: B,
    opts?: DispatchOptions,
  ) =>
  <K, W extends Windowing>(s: Stream<T, K, W>): Stream<{ [V in keyof B]: BranchOut<T, B[V]> }[keyof B], K, W> => {
    const body: Record<string, string> = {};
    const uses: Executor[] = [];
    for (const [value, branch] of Object.entries(branches) as [string, DispatchBranch<unknown>][]) {
      if (typeof branch === "string") body[value] = branch;
      else {
        body[value] = branch.ref;
        uses.push(branch);
      }
    }
    return streamOf(node("dispatch", [s.node], { field, branches: body, otherwise: opts?.otherwise ?? "deadLetter" }, opts, { uses }));
  };
