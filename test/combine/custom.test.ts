import { describe, expect, it } from "vitest";
import { checkCustomCombiner } from "../../src/combine/custom.ts";
import { DefinitionError } from "../../src/core/errors.ts";

const full = { create: () => 0, add: (a: number) => a + 1, merge: (a: number, b: number) => a + b, extract: (a: number) => a };

describe("checkCustomCombiner", () => {
  it("accepts an object with the four functions", () => {
    expect(() => checkCustomCombiner(full, "clicks")).not.toThrow();
  });

  it("names every missing function", () => {
    const { merge: _m, extract: _e, ...partial } = full;
    expect(() => checkCustomCombiner(partial, "clicks")).toThrow(DefinitionError);
    expect(() => checkCustomCombiner(partial, "clicks")).toThrow(
      /^clicks: combiner is missing merge\(\), extract\(\).*Fix: give the combiner all four functions/,
    );
    expect(() => checkCustomCombiner({ ...full, add: 3 }, "clicks")).toThrow(/missing add\(\) \(it is number\)/);
  });

  it("rejects non-objects", () => {
    expect(() => checkCustomCombiner(null, "c")).toThrow(/^c: expected a combiner object, got null/);
    expect(() => checkCustomCombiner("sum", "c")).toThrow(/got string/);
  });
});
