/**
 * `combine` takes an object of named aggregates and has no default name
 * (dsl/transforms/combine.ts): what an untyped caller passes instead is a
 * DefinitionError at build time that says how to name it, never a crash.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { DefinitionError } from "../../src/core/errors.ts";
import { compile } from "../../src/plan/index.ts";
import * as Typed from "../../dsl/index.ts";

const L: any = Typed;
const Ev = t.type({ userId: t.string, amount: t.number });
const withAggs = (aggs: unknown, opts?: unknown) =>
  L.pipeline("p", { version: 1 }, ({ source, sink }: any) => L.pipe(source("events", Ev), L.keyBy("userId"), L.combine(aggs, opts), sink("out")));

const errorOf = (f: () => unknown): DefinitionError => {
  try {
    f();
  } catch (e) {
    if (e instanceof DefinitionError) return e;
    throw e;
  }
  throw new Error("expected a DefinitionError");
};

describe("combine without names", () => {
  it("L.combine(L.count()) names the fix", () => {
    const e = errorOf(() => compile(withAggs(L.count())));
    expect(e.path).toBe("combine");
    expect(e.problem).toBe("the count aggregate has no output name (combine takes an object of named aggregates; there is no default name)");
    expect(e.fix).toBe("name it: L.combine({ count: L.count() })");
  });

  it("other aggregates and the stage name, when given, appear in the message", () => {
    const e = errorOf(() => compile(withAggs(L.sum("amount"), { name: "totals" })));
    expect(e.message).toBe(
      'stage "totals" (combine): the sum aggregate has no output name (combine takes an object of named aggregates; there is no default name). Fix: name it: L.combine({ sum: L.sum(…) })',
    );
  });

  it("a value that is not an aggregate, or no object at all", () => {
    expect(errorOf(() => compile(withAggs({ n: "count" }))).message).toBe(
      'combine: the aggregate "n" is not an aggregate. Fix: use one of L.count(), L.sum(…), L.min(…), … e.g. { n: L.count() }',
    );
    expect(errorOf(() => compile(withAggs(undefined))).problem).toBe("expected an object of named aggregates, found undefined");
  });
});
