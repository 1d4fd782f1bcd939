/**
 * Executors: the business logic of a pipeline, as named, versioned values.
 *
 * An executor transforms one element at a time and never does IO of its own:
 * when it needs an outside service it asks the engine through
 * {@link EnrichContext.call}, and the engine applies the timeout, retries,
 * concurrency bound and cache declared in the definition. An executor never
 * knows which runner it runs in.
 *
 * @module
 */
import type { Json } from "../expr/ast.ts";

/** What the engine offers an executor's `enrich` hook. */
export interface EnrichContext {
  /** Calls a service declared in the definition; the engine owns timeouts, retries and caching. */
  call(service: string, request: Json): Promise<Json>;
}

/** A value or a promise of it: every hook may be async. */
export type MaybePromise<A> = A | Promise<A>;

/** The hooks of an executor, run in the order normalize → filter → enrich → featurize. */
export interface ExecutorHooks<I, O> {
  /** Cleans an element (same shape in and out). */
  readonly normalize?: (element: I) => MaybePromise<I>;
  /** Keeps the element only when it returns `true`. */
  readonly filter?: (element: I) => MaybePromise<boolean>;
  /** Adds data obtained from declared services. */
  readonly enrich?: (element: I, ctx: EnrichContext) => MaybePromise<I>;
  /** Turns the element into its output (features). */
  readonly featurize?: (element: I) => MaybePromise<O>;
}

/** An executor's hooks, in the order they run. */
export const EXECUTOR_HOOKS = ["normalize", "filter", "enrich", "featurize"] as const;

/** The name of an executor hook. */
export type ExecutorHook = (typeof EXECUTOR_HOOKS)[number];

/** The hooks an executor has, in the order they run (plans record them: `executorHooks`). */
export const hooksOf = (ex: ExecutorHooks<never, unknown>): ExecutorHook[] => EXECUTOR_HOOKS.filter((h) => typeof ex[h] === "function");

/** A named, versioned executor. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds executors of every element type
export interface Executor<I = any, O = I> extends ExecutorHooks<I, O> {
  readonly kind: "executor";
  readonly name: string;
  readonly version: number;
  /** `name@version`, the form stored in definitions. */
  readonly ref: string;
  /** Services the `enrich` hook may call. */
  readonly uses: readonly string[];
}

/** A named, versioned user combiner (associative aggregate). Accumulators must be plain JSON. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds combiners of every type
export interface CustomCombiner<A = any, I = any, O = any> {
  readonly kind: "combiner";
  readonly name: string;
  readonly version: number;
  readonly ref: string;
  create(): A;
  add(acc: A, input: I, ts: number): A;
  merge(a: A, b: A): A;
  extract(acc: A): O;
}

/** Formats an executor reference. */
export const refOf = (name: string, version: number): string => `${name}@${version}`;

const REF = /^([A-Za-z_][\w.-]*)@(\d+)$/;

/** Splits `name@version`, or returns undefined when malformed. */
export const parseRef = (ref: string): { name: string; version: number } | undefined => {
  const m = REF.exec(ref);
  return m ? { name: m[1]!, version: Number(m[2]) } : undefined;
};
