import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, load, planToJson, registryOf } from "../../src/plan/index.ts";
import { buildPipeline, recipeArb } from "../../src/parity/pipelines.ts";

describe("portable definitions", () => {
  it("random pipelines round-trip exactly: compile(load(compile(p))) is the same JSON and hash", () => {
    fc.assert(
      fc.property(recipeArb, (recipe) => {
        const p = buildPipeline(recipe);
        const plan = compile(p);
        const text = planToJson(plan);
        const again = compile(load(JSON.parse(text), registryOf(p)));
        expect(planToJson(again)).toBe(text);
        expect(again.hash).toBe(plan.hash);
      }),
      { numRuns: 300 },
    );
  });
});
