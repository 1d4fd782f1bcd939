/**
 * Executor references and hooks (src/registry/executor.ts): the
 * `name@version` form definitions store, and which hooks an executor has.
 */
import { describe, expect, it } from "vitest";
import { executor } from "../../dsl/executor.ts";
import type { Executor } from "../../src/registry/executor.ts";
import { hooksOf, parseRef, refOf } from "../../src/registry/executor.ts";

describe("refOf / parseRef", () => {
  it("round-trips name@version", () => {
    expect(refOf("clean.v-x_1", 12)).toBe("clean.v-x_1@12");
    expect(parseRef("clean.v-x_1@12")).toEqual({ name: "clean.v-x_1", version: 12 });
  });

  it.each(["clean", "clean@", "@1", "clean@1.5", "clean@-1", "1clean@1", "a b@1", "clean@1@2"])("refuses the malformed reference %j", (ref) => {
    expect(parseRef(ref)).toBeUndefined();
  });
});

describe("hooksOf", () => {
  it("lists the hooks an executor has in the order they run, whatever order they were given in", () => {
    const ex: Executor = executor<{ x: number }, number>("f", 1, { featurize: (e) => e.x, filter: () => true, normalize: (e) => e });
    expect(hooksOf(ex)).toEqual(["normalize", "filter", "featurize"]);
  });

  it("has the executor's ref and services", () => {
    const ex: Executor = executor("geo", 3, { enrich: async (e, ctx) => ({ ...(e as object), geo: await ctx.call("geo", null) }), uses: ["geo"] });
    expect(ex.ref).toBe("geo@3");
    expect(ex.uses).toEqual(["geo"]);
    expect(hooksOf(ex)).toEqual(["enrich"]);
  });
});
