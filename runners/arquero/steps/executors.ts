/**
 * `dispatch` and `apply`: business logic in executors. Routing is columnar
 * (one derived branch index per row); the executors themselves are user
 * JavaScript and run row at a time, in arrival order, through the engine's
 * own `runHooks` so hook order, filtering and service calls are exactly the
 * DirectRunner's. Async executors run with the DirectRunner's bound on
 * elements in flight; results are used in input order.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { RunError } from "../../../src/core/errors.ts";
import { MAX_IN_FLIGHT, noBranchReason, runHooks } from "../../../src/engine/ops/executors.ts";
import type { ApplyNode, DispatchNode } from "../../../src/plan/ir.ts";
import type { EnrichContext, Executor } from "../../../src/registry/executor.ts";
import { COL, fieldColumn, fieldsOf, hasExotic, internalColumns, valuesOf } from "../columns.ts";
import { elementsOf, sameElement } from "../rows.ts";
import { deadLetterRows, originOf } from "../side-outputs.ts";
import type { Runtime, Step } from "../step.ts";
import { isObject } from "../../../src/core/fields.ts";

/** What a route index means: a branch, or -1 for values with no branch. */
type Route = "keep" | "drop" | Executor | { readonly deadLetter: true };

type Outcome = { readonly drop: true } | { readonly value: unknown } | { readonly error: unknown };

const isPromise = (x: unknown): x is Promise<unknown> => typeof (x as { then?: unknown })?.then === "function";

/** The engine's runHooks signals a filtered element with a private symbol; no hook output is a symbol. */
const outcomeOf = (v: unknown): Outcome => (typeof v === "symbol" ? { drop: true } : { value: v });

/** The enrich context of `ex`, as the DirectRunner builds it. */
const contextFor = (ex: Executor, rt: Runtime): EnrichContext => ({
  call: (service, request) => {
    if (!ex.uses.includes(service)) {
      return Promise.reject(new Error(`executor ${ex.ref} called service "${service}" without declaring it. Fix: add uses: ["${service}"] to the executor`));
    }
    const caller = rt.services.get(service);
    if (!caller) return Promise.reject(new Error(`service "${service}" is not declared by the pipeline`));
    return caller.call(request);
  },
});

/** Runs `ex` on each value, at most MAX_IN_FLIGHT async ones at once; outcomes in input order. */
const runAll = async (jobs: readonly { value: unknown; ex: Executor }[], rt: Runtime): Promise<Outcome[]> => {
  const out = new Array<Outcome>(jobs.length);
  const contexts = new Map<Executor, EnrichContext>();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < jobs.length; i++) {
    const { value, ex } = jobs[i]!;
    let ctx = contexts.get(ex);
    if (!ctx) contexts.set(ex, (ctx = contextFor(ex, rt)));
    let r: unknown;
    try {
      r = runHooks(ex, value, ctx);
    } catch (error) {
      out[i] = { error };
      continue;
    }
    if (!isPromise(r)) {
      out[i] = outcomeOf(r);
      continue;
    }
    const p: Promise<void> = r.then(
      (v) => void (out[i] = outcomeOf(v)),
      (error) => void (out[i] = { error: error ?? new Error("rejected") }),
    );
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return out;
};

/**
 * The rows of `table` that survive (`state[r]`: 0 gone, 1 unchanged, 2
 * replaced by `values[r]`), in order, with the replaced elements' field
 * columns rebuilt from their new values.
 */
const rebuild = (table: ColumnTable, state: Uint8Array, values: readonly unknown[]): ColumnTable => {
  const keep: number[] = [];
  let replacedAny = false;
  for (let r = 0; r < state.length; r++) {
    if (state[r] === 0) continue;
    keep.push(r);
    if (state[r] === 2) replacedAny = true;
  }
  if (!replacedAny) return table.reify(keep).select(aq.not("_r"));
  const fields = new Set(fieldsOf(table));
  for (let r = 0; r < state.length; r++) {
    const v = values[r];
    if (state[r] === 2 && isObject(v)) for (const k of Object.keys(v)) fields.add(k);
  }
  const n = keep.length;
  const cols: Record<string, unknown[]> = {};
  const names = new Set(table.columnNames());
  for (const f of fields) {
    const old = names.has(fieldColumn(f)) ? valuesOf(table, fieldColumn(f)) : undefined;
    const col = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const r = keep[i]!;
      if (state[r] === 1) col[i] = old?.[r];
      else {
        const v = values[r];
        col[i] = isObject(v) && Object.hasOwn(v, f) ? v[f] : undefined;
      }
    }
    cols[fieldColumn(f)] = col;
  }
  const oldX = hasExotic(table) ? valuesOf(table, COL.x) : undefined;
  const x = keep.map((r) => (state[r] === 1 ? oldX?.[r] : isObject(values[r]) ? undefined : values[r]));
  if (x.some((v) => v !== undefined)) cols[COL.x] = x;
  return table.reify(keep).select(internalColumns(table)).select(aq.not("_r")).assign(cols).reify();
};

/** Runs an executor stage over `table`, whose `_r` column holds each row's route index. */
const execute = async (
  table: ColumnTable,
  routes: readonly Route[],
  otherwise: Route,
  id: string,
  describeMiss: (row: number) => string,
  rt: Runtime,
): Promise<ColumnTable> => {
  const route = valuesOf(table, "_r") as number[];
  const routeOf = (r: number): Route => (route[r]! < 0 ? otherwise : routes[route[r]!]!);
  // Per row: 0 gone, 1 kept unchanged, 2 replaced by an executor's output.
  const state = new Uint8Array(route.length);
  const outputs = new Array<unknown>(route.length);
  const dead: number[] = [];
  const jobs: number[] = [];
  for (let r = 0; r < route.length; r++) {
    const x = routeOf(r);
    if (x === "keep") state[r] = 1;
    else if (x === "drop") continue;
    else if ("deadLetter" in x) dead.push(r);
    else jobs.push(r);
  }
  const missed = table.reify(dead);
  deadLetterRows(missed, id, rt, (r) => describeMiss(dead[r]!));
  if (jobs.length > 0) {
    const refs = [...new Set(jobs.map((r) => (routeOf(r) as Executor).ref))];
    rt.log(
      `stage "${id}": executor${refs.length > 1 ? "s" : ""} ${refs.join(", ")} run${refs.length > 1 ? "" : "s"} row at a time (user JavaScript) on ${jobs.length} of ${table.numRows()} elements`,
    );
    const values = elementsOf(table, jobs);
    const outcomes = await runAll(
      jobs.map((r, i) => ({ value: values[i], ex: routeOf(r) as Executor })),
      rt,
    );
    const origin = originOf(table);
    const fields = fieldsOf(table);
    const cols = fields.map((f) => valuesOf(table, fieldColumn(f)));
    const exotic = hasExotic(table) ? valuesOf(table, COL.x) : undefined;
    outcomes.forEach((o, i) => {
      const r = jobs[i]!;
      if ("drop" in o) return;
      if ("value" in o) {
        // An output that is the element as it was (filters, untouched normalizes) keeps its columns.
        const same = (exotic === undefined || exotic[r] === undefined) && sameElement(o.value, fields, cols, r);
        state[r] = same ? 1 : 2;
        outputs[r] = o.value;
        return;
      }
      const ex = routeOf(r) as Executor;
      const err = o.error;
      // The service, not the element, failed: no dead letter; the run fails with the reason.
      if (err instanceof Error && err.name === "ServiceUnavailableError") throw err;
      const msg = err instanceof Error ? err.message : String(err);
      if (rt.onExecutorError === "deadLetter" || (err instanceof Error && err.name === "ServiceError")) {
        rt.metrics(id).deadLetters++;
        rt.deadLetter({ ...origin(r), stage: id, reason: `executor ${ex.ref} failed: ${msg}`, value: values[i] });
        return;
      }
      const { source, offset } = origin(r);
      throw new RunError(
        `executor ${ex.ref} in stage "${id}" threw on the element at ${source}:${offset} ${canonicalJson(values[i]).slice(0, 200)}: ${msg}`,
        id,
        { executor: ex.ref, source, offset, element: values[i] },
        { cause: err },
      );
    });
  }
  const out = rebuild(table, state, outputs);
  const m = rt.metrics(id);
  m.in += table.numRows();
  m.out += out.numRows();
  return out;
};

/** The step of an apply: every element goes through one executor. */
export const applyStep = (n: ApplyNode): Step => ({
  stage: n.id,
  op: n.op,
  mode: "row-at-a-time",
  verbs: [`executor ${n.executor} on every element, row at a time, in arrival order (user JavaScript)`, "rebuild field columns from its outputs"],
  fallbacks: [`executor ${n.executor} is user JavaScript`],
  run: ([input], rt) => {
    const ex = rt.registry.executors.get(n.executor)!;
    return execute(input!.derive({ _r: "() => 0" }), [ex], "drop", n.id, () => "", rt);
  },
});

/** The arquero expression giving each row's branch index (-1: no branch). */
const routeExpr = (n: DispatchNode, present: boolean): string => {
  const values = Object.keys(n.branches);
  if (!present || values.length === 0) return "() => -1";
  const chain = values.map((v, i) => `v === ${JSON.stringify(v)} ? ${i} : `).join("");
  return `d => { const v = d[${JSON.stringify(fieldColumn(n.field))}] ?? null; return ${chain}-1; }`;
};

/** The step of a dispatch: columnar routing, executors row at a time. */
export const dispatchStep = (n: DispatchNode): Step => {
  const executors = [...new Set(Object.values(n.branches).filter((b) => b !== "keep" && b !== "drop"))];
  const known = Object.keys(n.branches).join(", ");
  return {
    stage: n.id,
    op: n.op,
    mode: executors.length > 0 ? "row-at-a-time" : "columnar",
    verbs: [
      `derive({ _r: ${routeExpr(n, true)} })`,
      `keep: ${
        Object.entries(n.branches)
          .filter(([, b]) => b === "keep")
          .map(([v]) => v)
          .join(", ") || "-"
      }; drop: ${
        Object.entries(n.branches)
          .filter(([, b]) => b === "drop")
          .map(([v]) => v)
          .join(", ") || "-"
      }; no branch: ${n.otherwise}`,
      ...executors.map((ex) => `executor ${ex} on its branch, row at a time, in arrival order (user JavaScript)`),
    ],
    fallbacks: executors.map((ex) => `executor ${ex} is user JavaScript`),
    run: ([input], rt) => {
      const table = input!.derive({ _r: routeExpr(n, input!.columnNames().includes(fieldColumn(n.field))) });
      const routes: Route[] = Object.values(n.branches).map((b) => (b === "keep" || b === "drop" ? b : rt.registry.executors.get(b)!));
      const col = input!.columnNames().includes(fieldColumn(n.field)) ? valuesOf(input!, fieldColumn(n.field)) : undefined;
      const miss = (r: number) => noBranchReason(n.field, col?.[r] ?? null, known);
      return execute(table, routes, n.otherwise === "deadLetter" ? { deadLetter: true } : n.otherwise, n.id, miss, rt);
    },
  };
};
