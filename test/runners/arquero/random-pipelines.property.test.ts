import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPipeline, inputsOfRecipe, recipeArb } from "../../../src/parity/pipelines.ts";
import type { Recipe } from "../../../src/parity/pipelines.ts";
import { asFiles, asSet, bothRuns } from "./parity.ts";
import { historyArb, labelsArb } from "./histories.ts";
import type { RawInput } from "./histories.ts";

const RUNS = Number(process.env.ARQUERO_PARITY_RUNS ?? 150);
const SEED = process.env.ARQUERO_PARITY_SEED === undefined ? undefined : Number(process.env.ARQUERO_PARITY_SEED);

const caseArb = fc.record({ recipe: recipeArb, events: historyArb(), others: historyArb(), labels: labelsArb });

const inputsFor = (recipe: Recipe, c: { events: RawInput[]; others: RawInput[]; labels: RawInput[] }): Record<string, RawInput[]> => {
  const { sources, tables } = inputsOfRecipe(recipe);
  const all: Record<string, RawInput[]> = { events: c.events, others: c.others, labels: c.labels };
  return Object.fromEntries([...sources, ...tables].map((n) => [n, all[n]!]));
};

describe("random pipelines on random histories", () => {
  it(`Arquero's final view, dead letters and late elements equal Direct's (${RUNS} runs)`, async () => {
    let late = 0;
    let dead = 0;
    let rows = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const def = buildPipeline(c.recipe);
        const { direct, arquero } = await bothRuns(def, { inputs: inputsFor(c.recipe, c) });
        late += direct.late.length;
        dead += direct.deadLetters.length;
        rows += Object.values(direct.outputs).reduce((n, r) => n + r.length, 0);
        expect(asFiles(arquero)).toEqual(asFiles(direct));
        expect(asSet(arquero.deadLetters)).toEqual(asSet(direct.deadLetters));
        expect(asSet(arquero.late)).toEqual(asSet(direct.late));
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
    );
    // The histories must exercise what they are for.
    expect(late).toBeGreaterThan(0);
    expect(dead).toBeGreaterThan(0);
    expect(rows).toBeGreaterThan(0);
  }, 600_000);
});
