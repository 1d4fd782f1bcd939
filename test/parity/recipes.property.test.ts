/**
 * Generated pipelines × generated histories (`checkRecipeParity`): random
 * valid compositions of every transform, on histories with skewed keys,
 * out-of-order and late data, duplicates, bursts, dead letters, unicode and
 * extreme numbers.
 *
 * - DirectRunner = ArqueroBatchRunner;
 * - DirectRunner = DirectRunner fed another interleaving of source keys
 *   (§2, §8: no rule may depend on it). This one found the sequence-ttl
 *   divergence kept in `divergences.test.ts`.
 *
 * PARITY_RECIPE_RUNS sets the runs (default 1000 each); PARITY_SEED pins the
 * seed. The seed of a failing run is in the report.
 */
import { describe, expect, it } from "vitest";
import { checkRecipeParity } from "../../src/parity/harness.ts";

const RUNS = Number(process.env.PARITY_RECIPE_RUNS ?? 1000);
const SEED = process.env.PARITY_SEED === undefined ? undefined : Number(process.env.PARITY_SEED);
const seed = SEED !== undefined ? { seed: SEED } : {};

describe("generated pipelines × generated histories", () => {
  it(`direct = arquero (${RUNS} cases)`, async () => {
    const report = await checkRecipeParity({ runners: ["direct", "arquero"], runs: RUNS, ...seed });
    expect(report.ok, report.text).toBe(true);
    expect(report.stats.late, report.text).toBeGreaterThan(0);
    expect(report.stats.deadLetters, report.text).toBeGreaterThan(0);
    expect(report.stats.rows, report.text).toBeGreaterThan(0);
  }, 120_000);

  it(`direct = direct with another interleaving of source keys (${RUNS} cases)`, async () => {
    const report = await checkRecipeParity({ runners: ["direct", "direct-reordered"], runs: RUNS, ...seed });
    expect(report.ok, report.text).toBe(true);
    expect(report.stats.late, report.text).toBeGreaterThan(0);
  }, 120_000);
});
