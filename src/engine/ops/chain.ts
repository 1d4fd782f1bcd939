/**
 * A fused chain of stateless stages (map, filter, flatMap, withTimestamps,
 * keyBy, window): one generated function applies every stage of the chain to
 * an element in turn, carrying its value, time, clock and key in local
 * variables, so an element is put in an envelope once, when it leaves the
 * chain, instead of at every stage (issue 12: the envelopes and the calls
 * between stages were most of a stateless pipeline's time).
 *
 * Nothing a stage does moves: the generated code has the shape of the stages
 * one inside the next. Each stage counts its own `in` and `out` at the same
 * points, catches its own expression errors (the element becomes a dead letter
 * of that stage, with the value that stage read), and the last stage's catch
 * covers what it emits, as an unfused stage's does. Pane markers go straight
 * to the chain's end, uncounted, as they passed every stage before. A flatMap
 * hands each of its values to the rest of the chain in order, staying
 * synchronous until a downstream stage returns a promise (as `emitAll`).
 *
 * Safety: the generated source is assembled only from this module's text and
 * stage indexes (integers); expressions are compiled by `src/expr` and passed
 * in as functions, never as source.
 *
 * @module
 */
import { compileExpr, compilePredicate } from "../../expr/compile-js.ts";
import type { FilterNode, FlatMapNode, KeyByNode, MapNode, WindowNode, WithTimestampsNode } from "../../plan/ir.ts";
import type { Elem, Origin } from "../elem.ts";
import type { Emit, EngineContext, Operator, StageMetrics } from "../operator.ts";
import { originFields } from "../operator.ts";
import type { KeyedStore } from "../state.ts";
import { expressionDeadLetter, flatMapValues, keyerOf, notAnArrayReason } from "./stateless.ts";
import type { KeyOut } from "./stateless.ts";
import { advanceClock, clocksOf, eventTimeProblem, largestClock } from "./with-timestamps.ts";

/** A plan node a fused chain can hold. */
export type ChainNode = MapNode | FilterNode | FlatMapNode | WithTimestampsNode | KeyByNode | WindowNode;

/** The ops a fused chain can hold. */
export const CHAIN_OPS: ReadonlySet<string> = new Set<ChainNode["op"]>(["map", "filter", "flatMap", "withTimestamps", "keyBy", "window"]);

/**
 * The rest of the chain from one stage on, applied to an element given field by field (the fields of
 * {@link Elem} but `marker`): what the generated functions are.
 */
type Core = (
  v: unknown,
  t: number,
  c: number,
  sk: string,
  k: string | undefined,
  kv: Readonly<Record<string, unknown>> | undefined,
  pk: string | undefined,
  pkv: readonly unknown[] | undefined,
  origin: Origin,
) => void | Promise<void>;

/** A built chain: one operator per stage (each runs the chain from its stage on) and the chain's input edge. */
export interface FusedChain {
  /** The operators, in chain order; the first is the head, which reports the clocks of the whole chain. */
  readonly ops: readonly Operator[];
  /** Feeds a fresh input value (no time, clock or key yet) with its clock id: what a source's record becomes. */
  readonly enter: (v: unknown, sk: string, origin: Origin) => void | Promise<void>;
}

/** Code for stage `i` of the chain, reading the element's current fields from `vars`, and the catch that closes it. */
const stageCode = (node: ChainNode, i: number, vars: Record<"v" | "t" | "c" | "k" | "kv", string>, out: string[]): "flatMap" | undefined => {
  const v = vars.v;
  switch (node.op) {
    case "map":
      // Counted once the expression has given a value: an element it throws on is a dead letter, not an output.
      out.push(`const v${i} = F${i}(${v});`, `M${i}.out++;`);
      vars.v = `v${i}`;
      return undefined;
    case "filter":
      out.push(`if (!F${i}(${v})) return;`, `M${i}.out++;`);
      return undefined;
    case "window":
      out.push(`M${i}.out++;`);
      return undefined;
    case "withTimestamps":
      out.push(
        `const t${i} = F${i}(${v});`,
        `if (timeProblem(t${i}) !== undefined) { badTime(${i}, origin, ${v}, t${i}); return; }`,
        `const c${i} = advance(S${i}, sk, t${i});`,
        `M${i}.out++;`,
      );
      vars.t = `t${i}`;
      vars.c = `c${i}`;
      return undefined;
    case "keyBy":
      out.push(`M${i}.out++;`, `F${i}(${v}, H${i});`, `const k${i} = H${i}.k, kv${i} = H${i}.kv;`);
      vars.k = `k${i}`;
      vars.kv = `kv${i}`;
      return undefined;
    case "flatMap":
      out.push(
        `const it${i} = F${i}(${v});`,
        `if (it${i} === null) return;`,
        `if (!isArray(it${i})) { notArray(${i}, origin, ${v}, it${i}); return; }`,
        `const vs${i} = items(${i}, origin, ${v}, it${i});`,
        `M${i}.out += vs${i}.length;`,
        `return each(core${i + 1}, vs${i}, 0, ${vars.t}, ${vars.c}, sk, ${vars.k}, ${vars.kv}, pk, pkv, origin);`,
      );
      return "flatMap";
  }
};

/** The source of the function running the chain from stage `from` on: the stages nested, up to the end or the first flatMap. */
const coreSource = (nodes: readonly ChainNode[], from: number): string => {
  const vars = { v: "v", t: "t", c: "c", k: "k", kv: "kv" };
  const body: string[] = [];
  const closers: string[] = [];
  let ended = false;
  for (let i = from; i < nodes.length && !ended; i++) {
    // The value this stage read is what its dead letter carries.
    const read = vars.v;
    body.push(`M${i}.in++;`, "try {");
    closers.unshift(`} catch (err) { dl(err, ${i}, origin, ${read}); }`);
    ended = stageCode(nodes[i]!, i, vars, body) === "flatMap";
  }
  if (!ended) body.push(`return end({ v: ${vars.v}, t: ${vars.t}, c: ${vars.c}, sk, k: ${vars.k}, kv: ${vars.kv}, pk, pkv, marker: false, origin });`);
  return `function core${from}(v, t, c, sk, k, kv, pk, pkv, origin) {\n${[...body, ...closers].join("\n")}\n}`;
};

/** Builds the fused chain of `nodes` (each reading the one before), emitting what leaves the last stage to `emit`. */
export const fusedChain = (nodes: readonly ChainNode[], ctx: EngineContext, emit: Emit): FusedChain => {
  const n = nodes.length;
  const M: StageMetrics[] = nodes.map((node) => ctx.metrics(node.id));
  const S: (KeyedStore<number> | undefined)[] = nodes.map((node) => (node.op === "withTimestamps" ? clocksOf(ctx, node.id) : undefined));
  const H: (KeyOut | undefined)[] = nodes.map((node) => (node.op === "keyBy" ? { k: "", kv: {} } : undefined));
  const F: unknown[] = nodes.map((node) => {
    switch (node.op) {
      case "filter":
        return compilePredicate(node.expr);
      case "map":
      case "flatMap":
      case "withTimestamps":
        return compileExpr(node.expr);
      case "keyBy":
        return keyerOf(node);
      case "window":
        return undefined;
    }
  });
  const dead = (i: number, origin: Origin, v: unknown, reason: string): void => {
    M[i]!.deadLetters++;
    ctx.deadLetter({ ...originFields(origin), stage: nodes[i]!.id, reason, value: v });
  };
  const helpers = {
    end: emit,
    isArray: Array.isArray,
    timeProblem: eventTimeProblem,
    advance: advanceClock,
    dl: (err: unknown, i: number, origin: Origin, v: unknown) => expressionDeadLetter(err, origin, v, nodes[i]!.id, ctx, M[i]!),
    badTime: (i: number, origin: Origin, v: unknown, t: unknown) => dead(i, origin, v, eventTimeProblem(t)!),
    notArray: (i: number, origin: Origin, v: unknown, items: unknown) => dead(i, origin, v, notAnArrayReason(items)),
    items: (i: number, origin: Origin, v: unknown, items: readonly unknown[]) =>
      flatMapValues(items, (nodes[i] as FlatMapNode).as, (reason) => dead(i, origin, v, reason)),
    each: function each(
      core: Core,
      vs: readonly unknown[],
      from: number,
      t: number,
      c: number,
      sk: string,
      k: string | undefined,
      kv: Readonly<Record<string, unknown>> | undefined,
      pk: string | undefined,
      pkv: readonly unknown[] | undefined,
      origin: Origin,
    ): void | Promise<void> {
      for (let j = from; j < vs.length; j++) {
        const r = core(vs[j], t, c, sk, k, kv, pk, pkv, origin);
        if (r) return r.then(() => each(core, vs, j + 1, t, c, sk, k, kv, pk, pkv, origin));
      }
    },
  };
  const names = Object.keys(helpers);
  // Per-stage constants as locals of the factory, so the generated code reads each from its own slot.
  const locals: string[] = [];
  for (let i = 0; i < n; i++) locals.push(`const F${i} = F[${i}], M${i} = M[${i}], S${i} = S[${i}], H${i} = H[${i}];`);
  const cores = Array.from({ length: n + 1 }, (_, i) => coreSource(nodes, i));
  const source = `"use strict";\n${locals.join("\n")}\n${cores.join("\n")}\nreturn [${cores.map((_, i) => `core${i}`).join(", ")}];`;
  const made = new Function("F", "M", "S", "H", ...names, source)(F, M, S, H, ...names.map((k) => helpers[k as keyof typeof helpers])) as Core[];

  const ops = nodes.map((node, i): Operator => {
    const core = made[i]!;
    return {
      id: node.id,
      process: (e: Elem) => (e.marker ? emit(e) : core(e.v, e.t, e.c, e.sk, e.k, e.kv, e.pk, e.pkv, e.origin)),
      finish: () => {},
    };
  });
  const clocks = S.filter((s): s is KeyedStore<number> => s !== undefined);
  if (clocks.length > 0) ops[0] = { ...ops[0]!, clock: () => Math.max(...clocks.map(largestClock)) };
  const head = made[0]!;
  return { ops, enter: (v, sk, origin) => head(v, 0, -Infinity, sk, undefined, undefined, undefined, undefined, origin) };
};
