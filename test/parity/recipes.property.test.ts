/**
 * Generated pipelines × generated histories (`checkRecipeParity`): random
 * valid compositions of every transform, on histories with skewed keys,
 * out-of-order and late data, duplicates, bursts, dead letters, unicode and
 * extreme numbers.
 *
 * - DirectRunner = ArqueroBatchRunner, on every recipe;
 * - DirectRunner = DirectRunner fed another interleaving of source keys
 *   (§2, §8), on every recipe except one known divergence of the contract:
 *   `sequence` with a `ttl` reports elements as late by the stage key's
 *   newest time, which depends on how source keys interleave when the stage
 *   key is not the source key (see `divergences.test.ts`, which fails until
 *   that is fixed). The exclusion is exactly that shape, nothing more.
 *
 * PARITY_RECIPE_RUNS sets the runs (default 300 each); PARITY_SEED pins the
 * seed. The seed of a failing run is in the report.
 */
import { describe, expect, it } from "vitest";
import { checkRecipeParity } from "../../src/parity/harness.ts";
import { recipeArb } from "../../src/parity/pipelines.ts";
import type { Recipe } from "../../src/parity/pipelines.ts";

const RUNS = Number(process.env.PARITY_RECIPE_RUNS ?? 300);
const SEED = process.env.PARITY_SEED === undefined ? undefined : Number(process.env.PARITY_SEED);
const seed = SEED !== undefined ? { seed: SEED } : {};

/**
 * Known divergence (reported, reproduced in divergences.test.ts): a sequence
 * with a ttl whose stage key is not aligned with the source key (unkeyed
 * source, stage key without `k`, or two sources flattened).
 */
export const sequenceTtlAcrossSourceKeys = (r: Recipe): boolean =>
  r.terminal.kind === "sequence" && r.terminal.ttl !== null && !(r.sourceKey && r.keyFields.includes("k") && !r.union);

describe("generated pipelines × generated histories", () => {
  it(`direct = arquero (${RUNS} cases)`, async () => {
    const report = await checkRecipeParity({ runners: ["direct", "arquero"], runs: RUNS, ...seed });
    expect(report.ok, report.text).toBe(true);
    expect(report.stats.late, report.text).toBeGreaterThan(0);
    expect(report.stats.deadLetters, report.text).toBeGreaterThan(0);
    expect(report.stats.rows, report.text).toBeGreaterThan(0);
  }, 120_000);

  it(`direct = direct with another interleaving of source keys (${RUNS} cases)`, async () => {
    const report = await checkRecipeParity({ runners: ["direct", "direct-reordered"], runs: RUNS, recipes: recipeArb.filter((r) => !sequenceTtlAcrossSourceKeys(r)), ...seed });
    expect(report.ok, report.text).toBe(true);
    expect(report.stats.late, report.text).toBeGreaterThan(0);
  }, 120_000);
});
