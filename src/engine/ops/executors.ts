/**
 * `dispatch` and `apply`: run executor hooks (normalize → filter → enrich →
 * featurize) on each element. Synchronous executors run inline; async ones
 * run with bounded concurrency while results are emitted in input order, so
 * downstream stages see the same order as without concurrency.
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import { RunError } from "../../core/errors.ts";
import type { ApplyNode, DispatchNode } from "../../plan/ir.ts";
import type { EnrichContext, Executor } from "../../registry/executor.ts";
import { withValue } from "../elem.ts";
import type { Elem } from "../elem.ts";
import type { Emit, EngineContext, Operator, StageMetrics } from "../operator.ts";
import { originFields } from "../operator.ts";
import type { ServiceCaller } from "../services.ts";
import { ownField } from "../../core/fields.ts";

const DROP = Symbol("drop");
type Outcome = unknown; // the output value, or DROP

const isPromise = (x: unknown): x is Promise<unknown> => typeof (x as { then?: unknown })?.then === "function";

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

interface Pending {
  readonly e: Elem;
  readonly ex: Executor | undefined;
  done: boolean;
  out: Outcome;
  error: unknown;
  readonly wait: Promise<void> | undefined;
}

/** Options shared by the executor operators. */
interface ExecOpSpec {
  readonly id: string;
  /** The executor for an element, `"keep"`, `"drop"`, or a dead-letter reason. */
  readonly route: (v: unknown) => Executor | "keep" | "drop" | { readonly deadLetter: string };
}

/** Elements an executor stage holds at once (running or waiting for an earlier one to finish). */
export const MAX_IN_FLIGHT = 64;

const executorOp = (spec: ExecOpSpec, ctx: EngineContext, emit: Emit, services: Map<string, ServiceCaller>): Operator => {
  const m: StageMetrics = ctx.metrics(spec.id);
  const queue: Pending[] = [];
  const ectxFor = (ex: Executor): EnrichContext => ({
    call: (service, request) => {
      if (!ex.uses.includes(service)) {
        return Promise.reject(new Error(`executor ${ex.ref} called service "${service}" without declaring it. Fix: add uses: ["${service}"] to the executor`));
      }
      const caller = services.get(service);
      if (!caller) return Promise.reject(new Error(`service "${service}" is not declared by the pipeline`));
      return caller.call(request);
    },
  });
  const ectxs = new Map<Executor, EnrichContext>();
  // Per-executor counters, next to the stage's: `<stage>/<name@version>`.
  const exMetrics = new Map<Executor, StageMetrics>();
  const metricsOf = (ex: Executor): StageMetrics => {
    let em = exMetrics.get(ex);
    if (!em) exMetrics.set(ex, (em = ctx.metrics(`${spec.id}/${ex.ref}`)));
    return em;
  };

  const fail = (e: Elem, ex: Executor, err: unknown): void => {
    // The service, not the element, failed: no dead letter; the batch stops (a streaming runner retries it later).
    if (err instanceof Error && err.name === "ServiceUnavailableError") throw err;
    const msg = err instanceof Error ? err.message : String(err);
    if (ctx.onExecutorError === "deadLetter" || (err instanceof Error && err.name === "ServiceError")) {
      m.deadLetters++;
      metricsOf(ex).deadLetters++;
      ctx.deadLetter({ ...originFields(e.origin), stage: spec.id, reason: `executor ${ex.ref} failed: ${msg}`, value: e.v });
      return;
    }
    throw new RunError(
      `executor ${ex.ref} in stage "${spec.id}" threw on the element at ${e.origin.source}:${e.origin.offset} ${canonicalJson(e.v).slice(0, 200)}: ${msg}`,
      spec.id,
      { executor: ex.ref, source: e.origin.source, offset: e.origin.offset, element: e.v },
      { cause: err },
    );
  };

  const deliver = (e: Elem, out: Outcome, ex?: Executor): void | Promise<void> => {
    if (out === DROP) return;
    m.out++;
    if (ex) metricsOf(ex).out++;
    return emit(out === e.v ? e : withValue(e, out));
  };

  const start = (e: Elem): { sync: true; out: Outcome; ex?: Executor } | { sync: false; p: Promise<Outcome>; ex: Executor } | null => {
    const r = spec.route(e.v);
    if (r === "keep") return { sync: true, out: e.v };
    if (r === "drop") return { sync: true, out: DROP };
    if (typeof r === "object" && "deadLetter" in r) {
      m.deadLetters++;
      ctx.deadLetter({ ...originFields(e.origin), stage: spec.id, reason: r.deadLetter, value: e.v });
      return null;
    }
    let ectx = ectxs.get(r);
    if (!ectx) ectxs.set(r, (ectx = ectxFor(r)));
    metricsOf(r).in++;
    try {
      const out = runHooks(r, e.v, ectx);
      return isPromise(out) ? { sync: false, p: out, ex: r } : { sync: true, out, ex: r };
    } catch (err) {
      fail(e, r, err);
      return null;
    }
  };

  /**
   * Emits finished results at the head of the queue, in order. Waits for an
   * unfinished head only while the queue holds more than `room` entries, so a
   * full stage frees one slot and keeps the rest running (0 drains it all).
   */
  const pump = async (room: number): Promise<void> => {
    while (queue.length > 0) {
      const head = queue[0]!;
      if (!head.done) {
        if (queue.length <= room) return;
        await head.wait;
      }
      queue.shift();
      if (head.error !== undefined) {
        fail(head.e, head.ex!, head.error);
        continue;
      }
      const r = head.e.marker ? emit(head.e) : deliver(head.e, head.out, head.ex);
      if (r) await r;
    }
  };

  return {
    id: spec.id,
    process: (e) => {
      if (e.marker) {
        if (queue.length === 0) return emit(e);
        queue.push({ e, ex: undefined, done: true, out: undefined, error: undefined, wait: undefined });
        return;
      }
      m.in++;
      const s = start(e);
      if (s === null) return;
      if (s.sync && queue.length === 0) return deliver(e, s.out, s.ex);
      if (s.sync) {
        queue.push({ e, ex: s.ex, done: true, out: s.out, error: undefined, wait: undefined });
      } else {
        const entry: Pending = {
          e,
          ex: s.ex,
          done: false,
          out: undefined,
          error: undefined,
          wait: s.p.then(
            (out) => {
              entry.out = out;
              entry.done = true;
            },
            (err) => {
              // Reported in order by pump, so a failure never overtakes earlier results.
              entry.error = err ?? new Error("rejected");
              entry.done = true;
            },
          ),
        };
        queue.push(entry);
      }
      // Bounded concurrency: when full, wait for the oldest before taking more.
      return pump(MAX_IN_FLIGHT - 1);
    },
    finish: () => pump(0),
    flush: () => pump(0),
  };
};

/** `apply`: one executor for every element. */
export const applyOp = (n: ApplyNode, ctx: EngineContext, emit: Emit, services: Map<string, ServiceCaller>): Operator => {
  const ex = ctx.registry.executors.get(n.executor)!;
  return executorOp({ id: n.id, route: () => ex }, ctx, emit, services);
};

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
        if (otherwise === "deadLetter") return { deadLetter: `no dispatch branch for ${field}=${canonicalJson(key ?? null)} (branches: ${known})` };
        return otherwise;
      },
    },
    ctx,
    emit,
    services,
  );
};
