import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { createRegistry } from "../../src/registry/registry.ts";
import { parsePlan } from "../../src/plan/load.ts";

// Plans record each executor's hooks (`executorHooks`): field checks see past executors without their
// code, and a registry whose executor has other hooks than the plan was compiled with is refused.
const Row = t.type({ id: t.string, n: t.number });
const small = L.executor("small", 1, { filter: (r: t.TypeOf<typeof Row>) => r.n < 10 });
const pipeline = L.pipeline("hooks", { version: 1 }, ({ source, sink }) =>
  L.pipe(source("rows", Row), L.apply(small), L.keyBy("id"), L.combine({ n: L.count() }), sink("out")),
);

describe("executorHooks in a plan", () => {
  it("are recorded at compile time, sorted in the order hooks run", () => {
    const withTwo = L.executor("two", 1, { featurize: (r: t.TypeOf<typeof Row>) => r, filter: () => true });
    const p = L.compile(L.pipeline("p", { version: 1 }, ({ source, sink }) => L.pipe(source("rows", Row), L.apply(small), L.apply(withTwo), sink("out"))));
    expect(p.executorHooks).toEqual({ "small@1": ["filter"], "two@1": ["filter", "featurize"] });
  });

  it("a registry executor with other hooks than the compiled plan's is an invalid definition naming the fix", () => {
    const json = L.planToJson(L.compile(pipeline));
    const changed = L.executor("small", 1, { featurize: (r: t.TypeOf<typeof Row>) => ({ id: r.id }) });
    expect(() => parsePlan(json, createRegistry([changed]))).toThrow(
      'executor "small@1": has the hooks featurize, but the definition was compiled with filter. Fix: give the changed executor a new version',
    );
    expect(() => parsePlan(json, createRegistry([small]))).not.toThrow();
  });
});
