/**
 * `dispatch` and `apply`: run executor hooks (normalize → filter → enrich →
 * featurize) on each element. Synchronous executors run inline; async ones
 * run with bounded concurrency while results are emitted in input order, so
 * downstream stages see the same order as without concurrency.
 *
 * The parts are in `executors/`: `hooks.ts` (the hook order), `in-order.ts`
 * (bounded concurrency, results in order), `enrich-context.ts` (which
 * services a hook may call), `failures.ts` (dead letter or stop).
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import { ownField } from "../../core/fields.ts";
import type { ApplyNode, DispatchNode } from "../../plan/ir.ts";
import type { Executor } from "../../registry/executor.ts";
import { withValue } from "../elem.ts";
import type { Elem } from "../elem.ts";
import type { Emit, EngineContext, Operator, StageMetrics } from "../operator.ts";
import { originFields } from "../operator.ts";
import type { ServiceCaller } from "../services.ts";
import { enrichContexts } from "./executors/enrich-context.ts";
import { failureHandler } from "./executors/failures.ts";
import { DROP, isPromise, runHooks } from "./executors/hooks.ts";
import type { Outcome } from "./executors/hooks.ts";
import { inOrderQueue } from "./executors/in-order.ts";
import type { Pending } from "./executors/in-order.ts";

export { runHooks } from "./executors/hooks.ts";

/** Options shared by the executor operators. */
interface ExecOpSpec {
  readonly id: string;
  /** The executor for an element, `"keep"`, `"drop"`, or a dead-letter reason. */
  readonly route: (v: unknown) => Executor | "keep" | "drop" | { readonly deadLetter: string };
}

/** How an element's executor call started: finished already, or running. */
type Started = { sync: true; out: Outcome; ex?: Executor } | { sync: false; p: Promise<Outcome>; ex: Executor };

/** Elements an executor stage holds at once (running or waiting for an earlier one to finish). */
export const MAX_IN_FLIGHT = 64;

/** Per-executor counters, next to the stage's: `<stage>/<name@version>`. */
const executorMetrics = (ctx: EngineContext, stage: string): ((ex: Executor) => StageMetrics) => {
  const made = new Map<Executor, StageMetrics>();
  return (ex) => {
    let em = made.get(ex);
    if (!em) made.set(ex, (em = ctx.metrics(`${stage}/${ex.ref}`)));
    return em;
  };
};

const executorOp = (spec: ExecOpSpec, ctx: EngineContext, emit: Emit, services: Map<string, ServiceCaller>): Operator => {
  const m: StageMetrics = ctx.metrics(spec.id);
  const metricsOf = executorMetrics(ctx, spec.id);
  const contextOf = enrichContexts(services);
  const fail = failureHandler(spec.id, ctx, m, metricsOf);

  /** Emits an element's outcome downstream (nothing for a dropped one). */
  const deliver = (e: Elem, out: Outcome, ex?: Executor): void | Promise<void> => {
    if (out === DROP) return;
    m.out++;
    if (ex) metricsOf(ex).out++;
    return emit(out === e.v ? e : withValue(e, out));
  };

  /** Routes `e` and starts its executor; null when it became a dead letter at once. */
  const start = (e: Elem): Started | null => {
    const r = spec.route(e.v);
    if (r === "keep") return { sync: true, out: e.v };
    if (r === "drop") return { sync: true, out: DROP };
    if (typeof r === "object" && "deadLetter" in r) {
      m.deadLetters++;
      ctx.deadLetter({ ...originFields(e.origin), stage: spec.id, reason: r.deadLetter, value: e.v });
      return null;
    }
    metricsOf(r).in++;
    try {
      const out = runHooks(r, e.v, contextOf(r));
      return isPromise(out) ? { sync: false, p: out, ex: r } : { sync: true, out, ex: r };
    } catch (err) {
      fail(e, r, err);
      return null;
    }
  };

  const queue = inOrderQueue((p: Pending) => {
    if (p.error !== undefined) return fail(p.e, p.ex!, p.error);
    return p.e.marker ? emit(p.e) : deliver(p.e, p.out, p.ex);
  });

  return {
    id: spec.id,
    process: (e) => {
      if (e.marker) {
        // A pane marker keeps its place among the elements before it.
        if (queue.empty) return emit(e);
        queue.pushDone(e, undefined, undefined);
        return;
      }
      m.in++;
      const s = start(e);
      if (s === null) return;
      if (s.sync && queue.empty) return deliver(e, s.out, s.ex);
      if (s.sync) queue.pushDone(e, s.ex, s.out);
      else queue.pushRunning(e, s.ex, s.p);
      // Bounded concurrency: when full, wait for the oldest before taking more.
      return queue.pump(MAX_IN_FLIGHT - 1);
    },
    finish: () => queue.pump(0),
    flush: () => queue.pump(0),
  };
};

/** `apply`: one executor for every element. */
export const applyOp = (n: ApplyNode, ctx: EngineContext, emit: Emit, services: Map<string, ServiceCaller>): Operator => {
  const ex = ctx.registry.executors.get(n.executor)!;
  return executorOp({ id: n.id, route: () => ex }, ctx, emit, services);
};

/**
 * The dead-letter reason of an element whose `field` value (`key`) has no dispatch branch (§5),
 * `known` the branch values joined by ", ": one wording for every runner.
 */
export const noBranchReason = (field: string, key: unknown, known: string): string =>
  `no dispatch branch for ${field}=${canonicalJson(key ?? null)} (branches: ${known})`;

/** `dispatch`: the executor of the element's type. */
export const dispatchOp = (n: DispatchNode, ctx: EngineContext, emit: Emit, services: Map<string, ServiceCaller>): Operator => {
  const routes = new Map<string, Executor | "keep" | "drop">();
  for (const [value, b] of Object.entries(n.branches)) routes.set(value, b === "keep" || b === "drop" ? b : ctx.registry.executors.get(b)!);
  const field = n.field;
  const otherwise = n.otherwise;
  const known = [...routes.keys()].join(", ");
  return executorOp(
    {
      id: n.id,
      route: (v) => {
        const key = ownField(v as Readonly<Record<string, unknown>>, field);
        const r = typeof key === "string" ? routes.get(key) : undefined;
        if (r !== undefined) return r;
        if (otherwise === "deadLetter") return { deadLetter: noBranchReason(field, key, known) };
        return otherwise;
      },
    },
    ctx,
    emit,
    services,
  );
};
