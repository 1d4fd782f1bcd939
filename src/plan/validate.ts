/**
 * Semantic checks of a plan whose JSON shape is already valid: references,
 * keys, event time, windows, and the registry. Every problem is reported with
 * the stage it is in and the fix; all problems are collected before throwing.
 *
 * @module
 */
import { DefinitionError, DefinitionErrors } from "../core/errors.ts";
import type { Executor } from "../registry/executor.ts";
import { hooksOf } from "../registry/executor.ts";
import { canonicalJson } from "../core/canonical.ts";
import type { Registry } from "../registry/registry.ts";
import { describeKnown } from "../registry/registry.ts";
import { validateWindowFn } from "../window/assign.ts";
import type { WindowFn } from "../window/types.ts";
import { inputsOf } from "./ir.ts";
import type { PlanNode, UnhashedPlan, WindowNode } from "./ir.ts";
import { inferRowTypes } from "./row-types.ts";
import { checkServe } from "./validate-serve.ts";

/** What is known about the stream a node outputs. */
export interface StreamFacts {
  /** Key fields when keyed, else null. */
  readonly key: readonly string[] | null;
  /** True when every element has an event time assigned. */
  readonly timed: boolean;
  /** The window stage in force, if any. */
  readonly window: WindowNode | null;
  /**
   * Whether elements are panes of a keyed aggregate that may fire more than
   * once (early or late firings, or sequences updating per element).
   */
  readonly multiPane: boolean;
}

const sameWindow = (a: WindowFn, b: WindowFn): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Computes the facts of every node and reports problems, including every
 * field reference that does not resolve against the inferred row types
 * (`row-types.ts`). Throws `DefinitionErrors` if any.
 *
 * @param executors the executors the plan's references resolve to (default:
 *   the registry's), so row types can pass through executors that keep
 *   their input's shape; without them an executor's output row is open
 */
export const validatePlan = (
  plan: UnhashedPlan,
  registry?: Registry,
  executors: ReadonlyMap<string, Executor> | undefined = registry?.executors,
): Map<string, StreamFacts> => {
  const errors: DefinitionError[] = [];
  const facts = new Map<string, StreamFacts>();
  const byId = new Map<string, PlanNode>();
  const used = new Set<string>();
  const index = new Map<PlanNode, number>(plan.nodes.map((n, i) => [n, i]));
  // The JSON path first (for files), then the stage name (for DSL authors).
  const err = (n: PlanNode | string, problem: string, fix: string) =>
    errors.push(new DefinitionError(typeof n === "string" ? n : `nodes[${index.get(n)}], stage "${n.id}" (${n.op})`, problem, fix));

  plan.nodes.forEach((n, i) => {
    if (byId.has(n.id)) err(`nodes[${i}]`, `the stage name "${n.id}" is used twice`, "give each stage its own name");
    for (const input of inputsOf(n)) {
      if (!byId.has(input)) err(n, `reads "${input}", which is not an earlier stage`, "list stages in order, inputs first, and check the name");
      used.add(input);
    }
    byId.set(n.id, n);
    const ins = inputsOf(n)
      .map((id) => facts.get(id))
      .filter((f): f is StreamFacts => f !== undefined);
    const input = ins[0] ?? { key: null, timed: false, window: null, multiPane: false };
    const needKey = (what: string) => {
      if (input.key === null) err(n, `${what} needs a keyed stream`, `add L.keyBy(...) before this stage`);
    };
    const noMultiPane = () => {
      if (input.multiPane) {
        err(
          n,
          "reads the panes of an earlier keyed aggregate that may fire more than once, so its result would count some elements twice",
          "chain keyed aggregates only after a global window without early firings, or split the pipeline in two",
        );
      }
    };
    let out: StreamFacts = input;
    switch (n.op) {
      case "source":
        out = { key: null, timed: false, window: null, multiPane: false };
        break;
      case "table":
        out = { key: [n.key], timed: true, window: null, multiPane: false };
        break;
      case "withTimestamps":
        out = { ...input, timed: true };
        break;
      case "keyBy":
        if (n.fields.length === 0) err(n, "keyBy needs at least one field", 'name the key field(s), e.g. L.keyBy("userId")');
        out = { ...input, key: n.fields };
        break;
      case "window": {
        needKey("window");
        for (const e of validateWindowFn(n.window, `stage "${n.id}" (window)`)) errors.push(e);
        if (n.window.kind !== "global" && !input.timed) err(n, "a time-based window needs event times", "add L.withTimestamps(...) upstream");
        if (n.trigger.early && !(Number.isInteger(n.trigger.early.every) && n.trigger.early.every >= 1)) {
          err(n, `early firing every ${n.trigger.early.every} elements is not a whole number ≥ 1`, "use e.g. { early: { every: 100 } }");
        }
        if (!(n.allowedLateness >= 0)) err(n, "allowedLateness must be ≥ 0", 'use e.g. "5s"');
        out = { ...input, window: n };
        break;
      }
      case "combine": {
        needKey("combine");
        noMultiPane();
        const names = new Set<string>();
        const reserved = new Set([...(input.key ?? []), ...(input.window ? ["windowStart", "windowEnd"] : [])]);
        for (const [name, agg] of n.aggs) {
          if (names.has(name)) err(n, `the aggregate "${name}" is defined twice`, "give each aggregate its own output name");
          if (reserved.has(name)) err(n, `the aggregate "${name}" has the name of a key or window field`, "rename the aggregate");
          names.add(name);
          if (agg.fn === "topK" && !(Number.isInteger(agg.k) && agg.k >= 1))
            err(n, `topK of ${agg.k} is not a whole number ≥ 1`, 'use e.g. L.topK("score", 10)');
          if (agg.fn === "custom" && registry && !registry.combiners.has(agg.combiner)) {
            err(
              n,
              `the combiner "${agg.combiner}" is not registered (${describeKnown(registry, agg.combiner, "combiner")})`,
              "register that combiner version (e.g. lockstep run … --executors <module>)",
            );
          }
        }
        const w = input.window;
        const fires = w === null || w.window.kind === "global" ? Boolean(w?.trigger.early) : true;
        out = { key: input.key, timed: input.timed, window: w, multiPane: fires };
        break;
      }
      case "join": {
        const [l, r] = ins;
        if (!l || !r) break;
        if (l.key === null || r.key === null) err(n, "both sides of a join must be keyed", "add L.keyBy(...) to each side");
        else if (l.key.length !== r.key.length)
          err(
            n,
            `the sides are keyed by ${l.key.length} and ${r.key.length} fields`,
            "key both sides by the same number of fields, in the same order of meaning",
          );
        if (!l.window || !r.window) err(n, "both sides of a join must be windowed", "add L.window(...) to each side, with the same window");
        else if (!sameWindow(l.window.window, r.window.window)) err(n, "the two sides have different windows", "window both sides the same way");
        if (l.multiPane || r.multiPane) noMultiPane();
        out = { key: l.key, timed: true, window: l.window, multiPane: true };
        break;
      }
      case "lookup": {
        const table = byId.get(n.table);
        if (table && table.op !== "table") err(n, `looks up "${n.table}", which is a ${table.op}, not a table`, "pass a table(...) to L.lookup");
        if (!input.timed) err(n, "a point-in-time lookup needs event times", "add L.withTimestamps(...) upstream");
        out = input;
        break;
      }
      case "sequence":
        needKey("sequence");
        noMultiPane();
        if (!input.timed) err(n, "a sequence orders by event time", "add L.withTimestamps(...) upstream");
        if (!(Number.isInteger(n.latest) && n.latest >= 1)) err(n, `latest ${n.latest} is not a whole number ≥ 1`, "use e.g. { latest: 50 }");
        if (n.fields.length === 0) err(n, "a sequence keeps no fields", "list the fields each entry keeps");
        out = { key: input.key, timed: true, window: null, multiPane: true };
        break;
      case "dedupe":
        if (input.multiPane) {
          err(
            n,
            "reads the panes of a keyed aggregate that may fire more than once; which pane comes first differs between runners, so keeping the first would not be deterministic",
            "dedupe before the aggregate, or use a global window without early firings upstream",
          );
        }
        if (n.by.length === 0) err(n, "dedupe needs at least one field", 'name the id field(s), e.g. L.dedupe("eventId")');
        if (n.ttl !== undefined && !input.timed) err(n, "a dedupe ttl is measured in event time", "add L.withTimestamps(...) upstream or drop the ttl");
        break;
      case "flatten": {
        const keyed = ins.map((f) => f.key !== null);
        if (keyed.some((k) => k !== keyed[0])) err(n, "mixes keyed and unkeyed streams", "key all inputs the same way, or none");
        out = {
          key: ins[0]?.key ?? null,
          timed: ins.every((f) => f.timed),
          window: ins.every((f) => f.window && ins[0]!.window && sameWindow(f.window.window, ins[0]!.window.window)) ? (ins[0]?.window ?? null) : null,
          multiPane: ins.some((f) => f.multiPane),
        };
        break;
      }
      case "dispatch":
        if (registry) {
          for (const [value, b] of Object.entries(n.branches)) {
            if (b !== "keep" && b !== "drop" && !registry.executors.has(b)) {
              err(
                n,
                `branch "${value}" uses executor "${b}", which is not registered (${describeKnown(registry, b, "executor")})`,
                "register that executor version (e.g. lockstep run … --executors <module>)",
              );
            }
          }
        }
        break;
      case "apply":
        if (registry && !registry.executors.has(n.executor)) {
          err(
            n,
            `uses executor "${n.executor}", which is not registered (${describeKnown(registry, n.executor, "executor")})`,
            "register that executor version (e.g. lockstep run … --executors <module>)",
          );
        }
        break;
      default:
        break;
    }
    facts.set(n.id, out);
  });

  for (const n of plan.nodes) {
    if (n.op === "sink" && used.has(n.id)) err(n, "a sink cannot be read by another stage", "read the stage before the sink instead");
    if (n.op !== "sink" && !used.has(n.id)) err(n, "its output is not used by any stage", "send it to a sink or remove it");
    if (n.op === "table" && [...plan.nodes].some((m) => inputsOf(m).includes(n.id) && !(m.op === "lookup" && m.table === n.id))) {
      err(n, "a table can only be read by lookup", "use source(...) for a stream of events");
    }
  }
  if (!plan.nodes.some((n) => n.op === "sink")) err("nodes", "the plan has no sink", 'end the pipeline with sink("name")');
  // An executor's hooks: from its code when it is at hand, else as the plan recorded them.
  const hooks = (ref: string) => {
    const ex = executors?.get(ref);
    return ex ? hooksOf(ex) : plan.executorHooks && Object.hasOwn(plan.executorHooks, ref) ? plan.executorHooks[ref] : undefined;
  };
  const inferred = inferRowTypes(plan, facts, hooks);
  for (const p of inferred.problems) err(p.node, p.problem, p.fix);
  for (const n of plan.nodes) if (n.op === "sink" && n.serve) checkServe(n, inferred.rows.get(n.id)?.row, plan, registry, hooks, err);

  if (registry) {
    for (const ref of plan.executors) {
      const ex = registry.executors.get(ref);
      const recorded = plan.executorHooks && Object.hasOwn(plan.executorHooks, ref) ? plan.executorHooks[ref] : undefined;
      if (ex && recorded && canonicalJson(hooksOf(ex)) !== canonicalJson(recorded)) {
        err(
          `executor "${ref}"`,
          `has the hooks ${hooksOf(ex).join(", ") || "(none)"}, but the definition was compiled with ${recorded.join(", ") || "(none)"}`,
          `give the changed executor a new version (its behaviour changed), or recompile the definition`,
        );
      }
      for (const s of ex?.uses ?? []) {
        // Own keys only: a service named "constructor" is not declared by Object.prototype.
        if (!Object.hasOwn(plan.services, s))
          err(
            `executor "${ref}"`,
            `calls the service "${s}", which the pipeline does not declare`,
            `declare it: L.pipeline(name, { services: { ${s}: { timeoutMs: 500 } } }, …)`,
          );
      }
    }
  }
  if (errors.length > 0) throw new DefinitionErrors(errors);
  return facts;
};
