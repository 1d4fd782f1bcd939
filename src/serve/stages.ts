/**
 * Request-time stages (`src/plan/serve.ts`) made runnable: a function from
 * the stored rows of one key and the decoded request parameters to the rows
 * of the response. Expressions are compiled once (the same JS compiler the
 * engine uses); executors run through the engine's own hook runner, and an
 * executor's service calls go through the engine's `ServiceCaller` with the
 * plan's timeout / retry / concurrency / cache policy.
 *
 * @module
 */
import { compileExpr, compilePredicate } from "../expr/compile-js.ts";
import { enrichContexts, runHooks, serviceCallers } from "../engine/index.ts";
import type { Plan } from "../plan/ir.ts";
import type { ServeSpec } from "../plan/serve.ts";
import type { Registry } from "../registry/registry.ts";

/** A stage that threw at request time: the server answers 500 naming it. */
export class StageFailure extends Error {
  override readonly name = "StageFailure";
  constructor(
    /** `stages[i] (op)` */
    readonly stage: string,
    readonly reason: string,
  ) {
    super(`serve.${stage} failed: ${reason}`);
  }
}

/**
 * The compiled stages of one sink: rows and params in, response rows out (async only when an executor is).
 *
 * A stage that changes nothing hands back the very array (and rows) it was given, so a caller that
 * still holds the rows' stored canonical text can answer with that text: `out === rows` means the
 * response rows are exactly the stored ones. No stage mutates its input.
 */
export type RequestStages = (rows: readonly unknown[], params: Readonly<Record<string, unknown>>) => unknown[] | Promise<unknown[]>;

type Step = (rows: unknown[], params: Readonly<Record<string, unknown>>) => unknown[] | Promise<unknown[]>;

const isPromise = (x: unknown): x is Promise<unknown> => typeof (x as { then?: unknown })?.then === "function";

/** Whole items to keep from a `limit` count: null keeps all; a negative or fractional count is refused. */
const countOf = (v: unknown, stage: string): number => {
  if (v === null || v === undefined) return Number.POSITIVE_INFINITY;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new StageFailure(stage, `the count is ${JSON.stringify(v)}, not a whole number ≥ 0`);
  return v;
};

/** Compiles a sink's serving stages; an empty list answers the stored rows as they are. */
export const compileStages = (spec: ServeSpec, plan: Plan, registry: Registry): RequestStages => {
  // The engine's own callers and enrich contexts: the same policies and the same "only declared
  // services" rule as in a run.
  const contextOf = enrichContexts(serviceCallers(plan.services, registry.services));
  const steps: Step[] = spec.stages.map((s, i): Step => {
    const at = `stages[${i}] (${s.op})`;
    // An expression that throws (a runtime regex refused, say) is this stage's failure, named as such.
    const guard = <A>(f: () => A): A => {
      try {
        return f();
      } catch (e) {
        if (e instanceof StageFailure) throw e;
        throw new StageFailure(at, e instanceof Error ? e.message : String(e));
      }
    };
    switch (s.op) {
      case "filter": {
        const keep = compilePredicate(s.expr, `serve.${at}.expr`);
        return (rows, params) =>
          guard(() =>
            sameIfAll(
              rows,
              rows.filter((row) => keep({ row, params })),
            ),
          );
      }
      case "map": {
        const build = compileExpr(s.expr, `serve.${at}.expr`);
        return (rows, params) => guard(() => rows.map((row) => build({ row, params })));
      }
      case "filterItems": {
        const keep = compilePredicate(s.expr, `serve.${at}.expr`);
        return (rows, params) =>
          guard(() =>
            mapSame(rows, (row) =>
              withItems(row, s.field, at, (items) =>
                sameIfAll(
                  items,
                  items.filter((item) => keep({ row, params, item })),
                ),
              ),
            ),
          );
      }
      case "limit": {
        const count = compileExpr(s.count, `serve.${at}.count`);
        return (rows, params) =>
          guard(() =>
            mapSame(rows, (row) => {
              const n = countOf(count({ row, params }), at);
              return withItems(row, s.field, at, (items) => (items.length > n ? items.slice(0, n) : items));
            }),
          );
      }
      case "apply": {
        const ex = registry.executors.get(s.executor);
        if (!ex) throw new StageFailure(at, `executor "${s.executor}" is not registered`);
        const ectx = contextOf(ex);
        return (rows) => {
          const outs = guard(() => rows.map((row) => runHooks(ex, row, ectx)));
          // runHooks answers a symbol for an element its filter dropped.
          const done = (vs: unknown[]) => vs.filter((v) => typeof v !== "symbol");
          if (!outs.some(isPromise)) return done(outs);
          return Promise.all(outs).then(done, (e: unknown) => {
            throw new StageFailure(at, e instanceof Error ? e.message : String(e));
          });
        };
      }
    }
  });
  return (rows, params) => {
    // Not copied: no step mutates its input, and an unchanged answer must be the given array itself.
    let cur = rows as unknown[];
    for (let i = 0; i < steps.length; i++) {
      const r = steps[i]!(cur, params);
      if (isPromise(r)) return r.then(async (next) => runFrom(steps, i + 1, next, params));
      cur = r;
    }
    return cur;
  };
};

const runFrom = async (steps: readonly Step[], from: number, rows: unknown[], params: Readonly<Record<string, unknown>>): Promise<unknown[]> => {
  let cur = rows;
  for (let i = from; i < steps.length; i++) cur = await steps[i]!(cur, params);
  return cur;
};

/**
 * The row with its array field `field` replaced by `f(items)`; the row itself when `f` gives the same
 * array back; a row without that array is a stage failure.
 */
const withItems = (row: unknown, field: string, at: string, f: (items: unknown[]) => unknown[]): unknown => {
  const items = typeof row === "object" && row !== null && Object.hasOwn(row, field) ? (row as Record<string, unknown>)[field] : undefined;
  if (items === null || items === undefined) return row; // nothing to filter: missing reads as null
  if (!Array.isArray(items)) throw new StageFailure(at, `the row's field "${field}" is not an array`);
  const next = f(items);
  return next === items ? row : { ...(row as Record<string, unknown>), [field]: next };
};

/** `kept` (a filter of `all`), or `all` itself when the filter kept every element: unchanged stays the same array. */
const sameIfAll = <T>(all: T[], kept: T[]): T[] => (kept.length === all.length ? all : kept);

/** `xs.map(f)`, or `xs` itself when `f` returned every element unchanged. */
const mapSame = <T>(xs: T[], f: (x: T) => T): T[] => {
  let out: T[] | undefined;
  for (let i = 0; i < xs.length; i++) {
    const y = f(xs[i]!);
    if (out === undefined && y !== xs[i]) out = xs.slice(0, i);
    out?.push(y);
  }
  return out ?? xs;
};
