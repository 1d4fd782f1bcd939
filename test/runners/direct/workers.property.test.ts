/**
 * Generated pipelines × generated histories (src/parity/): every generated pipeline that needs no
 * exchange gives, on 2 or 3 worker threads, exactly the one-thread final views, dead letters, late
 * elements (in their written order) and metrics. The histories have skewed keys, out-of-order and
 * late data, duplicates, bursts, bad records and records that are not objects.
 *
 * WORKERS_RUNS sets the cases (default 25: each starts its threads); PARITY_SEED pins the seed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstRepartitionedStage } from "../../../src/engine/topology/partitioning.ts";
import { historyArb } from "../../../src/parity/histories.ts";
import { buildPipeline, inputsOfRecipe, recipeArb, recipeHistoryModel } from "../../../src/parity/pipelines.ts";
import { resolveDefinition } from "../../../src/run/definition.ts";
import { sideOutputOrder } from "../../../src/run/side-outputs.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import type { DirectRunResult } from "../../../runners/direct/index.ts";
import { REGISTRIES_MODULE } from "./registries.ts";

const RUNS = Number(process.env.WORKERS_RUNS ?? 25);
const SEED = process.env.PARITY_SEED === undefined ? {} : { seed: Number(process.env.PARITY_SEED) };

const observable = (r: DirectRunResult) => ({
  outputs: r.outputs,
  deadLetters: sideOutputOrder(r.deadLetters),
  late: sideOutputOrder(r.late),
  metrics: r.metrics,
});

/** Generated pipelines the shared rule lets split by source key. */
const shardable = recipeArb.filter((r) => firstRepartitionedStage(resolveDefinition(buildPipeline(r), undefined).plan) === undefined);

describe("generated pipelines on worker threads", () => {
  it(`one thread = 2 or 3 threads on every generated pipeline that needs no exchange (${RUNS} cases)`, async () => {
    const seen = { rows: 0, deadLetters: 0, late: 0, keyed: 0 };
    await fc.assert(
      fc.asyncProperty(shardable, historyArb(recipeHistoryModel), fc.constantFrom(2, 3), async (recipe, h, workers) => {
        const used = inputsOfRecipe(recipe);
        const names = new Set([...used.sources, ...used.tables]);
        const inputs = Object.fromEntries(Object.entries(h.inputs).filter(([k]) => names.has(k)));
        const pipeline = buildPipeline(recipe);
        const opts = { inputs, onExecutorError: "deadLetter" as const, workerRegistry: { module: REGISTRIES_MODULE } };
        const one = await runDirect(pipeline, opts);
        const many = await runDirect(pipeline, { ...opts, workers, log: (l) => expect.fail(`fell back: ${l}`) });
        expect(many.threads).toBe(workers);
        expect(observable(many)).toEqual(observable(one));
        seen.rows += Object.values(one.outputs).reduce((n, rows) => n + rows.length, 0);
        seen.deadLetters += one.deadLetters.length;
        seen.late += one.late.length;
        if (recipe.sourceKey) seen.keyed++;
      }),
      { numRuns: RUNS, ...SEED },
    );
    if (process.env.WORKERS_STATS) console.log(seen);
    // The cases covered what matters: rows, bad records, late data, and keyed sources (split over threads).
    expect(seen.rows).toBeGreaterThan(0);
    expect(seen.deadLetters).toBeGreaterThan(0);
    expect(seen.keyed).toBeGreaterThan(0);
  }, 300_000);
});
