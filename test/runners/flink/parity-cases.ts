/**
 * What the Flink parity tests share (parity.test.ts in `npm run test:flink`, parity-subset.test.ts
 * in `npm test` too): the gateway, the check that a definition gives the DirectRunner's answer on
 * Flink, the generated recipes the compiler accepts, and the property over them. Parity is judged
 * as everywhere (docs/semantics.md §14): each sink's final view exactly, dead letters and late
 * elements as sets. Each Flink job takes seconds, so the random part is a few runs
 * (FLINK_PARITY_RUNS, FLINK_PARITY_SEED).
 */
import { join } from "node:path";
import type { Arbitrary } from "fast-check";
import fc from "fast-check";
import { expect, inject } from "vitest";
import { canonicalJson, compareStrings } from "../../../src/core/canonical.ts";
import { historiesFor } from "../../../src/parity/histories.ts";
import type { Recipe } from "../../../src/parity/pipelines.ts";
import { buildPipeline, recipeArb } from "../../../src/parity/pipelines.ts";
import { compile } from "../../../src/plan/compile.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import type { RunResult } from "../../../src/run/result.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { LONE_SURROGATE_PROBLEM } from "../../../runners/flink/column-value.ts";
import { explainFlink, runFlink } from "../../../runners/flink/index.ts";

export const gateway = inject("flinkGateway");
const PIPELINES_MODULE = join(import.meta.dirname, "../../../src/parity/pipelines.ts");
export const RUNS = Number(process.env.FLINK_PARITY_RUNS ?? 4);
export const SEED = Number(process.env.FLINK_PARITY_SEED ?? 15);

const asSet = (xs: readonly unknown[]): string[] => xs.map(canonicalJson).sort(compareStrings);
const asFiles = (r: RunResult): Record<string, string[]> => Object.fromEntries(Object.entries(r.outputs).map(([k, rows]) => [k, rows.map(canonicalJson)]));

/** True for the one failure outside the parity guarantee (§14): a running sum past ±1.8e308. */
const sumOverflow = (e: unknown): boolean => e instanceof RangeError && /fsum: the running sum exceeded/.test(e.message);

/** True for the Flink runner's refusal of a string its STRING columns cannot hold (a lone surrogate). */
const unrepresentable = (e: unknown): boolean => e instanceof Error && e.message.includes(LONE_SURROGATE_PROBLEM);

/** Runs `def` on both runners and asserts parity; returns the DirectRunner's result (undefined outside the guarantee). */
export const checkParity = async (def: Pipeline, inputs: Record<string, readonly unknown[]>): Promise<RunResult | undefined> => {
  const direct = await runDirect(def, { inputs: structuredClone(inputs) }).catch((e: unknown) => {
    if (sumOverflow(e)) return undefined;
    throw e;
  });
  if (direct === undefined) return undefined;
  // The generated pipelines' executors (recipeExecutors) come from this module: bundled for GraalJS.
  const flink = await runFlink(def, { inputs, gateway, log: () => undefined, modules: [PIPELINES_MODULE] }).catch((e: unknown) => {
    // A lone surrogate in a string column fails a Flink run rather than changing its answer (docs/flink-runner.md).
    if (unrepresentable(e)) return undefined;
    throw e;
  });
  if (flink === undefined) return undefined;
  expect(asFiles(flink)).toEqual(asFiles(direct));
  expect(asSet(flink.deadLetters)).toEqual(asSet(direct.deadLetters));
  expect(asSet(flink.late)).toEqual(asSet(direct.late));
  return direct;
};

/**
 * Recipes the compiler accepts (filters, maps, keyBy, count/sum/mean/min/max, taps) with a fixed or
 * sliding window, so lateness is exercised.
 */
export const acceptedWith = (kinds: readonly string[]) =>
  recipeArb.filter((r) => {
    if (r.terminal.kind !== "combine" || !kinds.includes(r.terminal.window?.kind ?? "none")) return false;
    // Executors, dispatch and lookups have their own properties (below, and sequence-lookup.test.ts).
    if (r.pre.some((p) => p.kind === "apply" || p.kind === "dispatch" || p.kind === "lookup" || p.kind === "flatMap")) return false;
    if (r.terminal.aggs.includes("first") || r.terminal.aggs.includes("last")) return false;
    return explainFlink(buildPipeline(r)).refused === undefined;
  });

export const accepted = acceptedWith(["fixed", "sliding"]);

/** Recipes the compiler accepts that run executors (dispatch with keep/drop/executor branches, apply), whatever their terminal. */
export const withExecutors = recipeArb.filter(
  (r) =>
    r.pre.some((p) => p.kind === "apply" || (p.kind === "dispatch" && Object.values(p.branches).some((b) => b !== "keep" && b !== "drop"))) &&
    explainFlink(buildPipeline(r)).refused === undefined,
);
/** Recipes the compiler accepts with a flatMap (in GraalJS, with the map after it that reads nested fields). */
export const withFlatMap = recipeArb.filter((r) => r.pre.some((p) => p.kind === "flatMap") && explainFlink(buildPipeline(r)).refused === undefined);
/** Recipes the compiler accepts whose combine has `first` or `last`, any window. */
export const withFirstLast = recipeArb.filter(
  (r) => r.terminal.kind === "combine" && r.terminal.aggs.some((a) => a === "first" || a === "last") && explainFlink(buildPipeline(r)).refused === undefined,
);
/** Recipes the compiler accepts whose combine has the user combiner `countPositive` (in GraalJS, `ls_combine`), any window. */
export const withCustom = recipeArb.filter(
  (r) => r.terminal.kind === "combine" && r.terminal.aggs.includes("countPositive") && explainFlink(buildPipeline(r)).refused === undefined,
);
/** Recipes the compiler accepts that end in a windowed join (inner or left). */
export const withJoin = recipeArb.filter((r) => r.terminal.kind === "join" && explainFlink(buildPipeline(r)).refused === undefined);
/** Recipes the compiler accepts that dispatch (dead letters for values without a branch included). */
export const withDispatch = recipeArb.filter((r) => r.pre.some((p) => p.kind === "dispatch") && explainFlink(buildPipeline(r)).refused === undefined);

/**
 * The property: `runs` generated recipes from `recipes`, each on a generated history, give the
 * DirectRunner's answer on Flink; at least one run writes rows (a property over empty views could
 * not fail on a wrong row).
 */
export const parityOnGeneratedHistories = async (recipes: Arbitrary<Recipe>, runs: number): Promise<void> => {
  let rows = 0;
  await fc.assert(
    fc.asyncProperty(
      recipes.chain((recipe) => {
        const def = buildPipeline(recipe);
        return historiesFor(compile(def), { maxRecords: 40 }).map((h) => ({ recipe, def, h }));
      }),
      async ({ def, h }) => {
        const direct = await checkParity(def, h.inputs as Record<string, unknown[]>);
        // Outside the guarantee (a running sum past ±1.8e308, §14): not a case.
        fc.pre(direct !== undefined);
        rows += Object.values(direct!.outputs).reduce((n, r) => n + r.length, 0);
      },
    ),
    { numRuns: runs, seed: SEED, endOnFailure: true },
  );
  // Few generated histories hold late elements (about 1 in 5): the hand-made cases pin lateness down.
  expect(rows).toBeGreaterThan(0);
};
