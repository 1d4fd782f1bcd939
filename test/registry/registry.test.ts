/**
 * The registry (src/registry): executors, combiners and services by `name@version`. Definitions
 * reference business logic by these names, so a wrong or ambiguous name must be a clear error.
 */
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { DefinitionError } from "../../src/core/errors.ts";
import { EXECUTOR_HOOKS, hooksOf, parseRef, refOf } from "../../src/registry/executor.ts";
import { createRegistry, describeKnown, mergeRegistries } from "../../src/registry/registry.ts";

const upper1 = L.executor("upper", 1, { featurize: (s: string) => s.toUpperCase() });
const upper2 = L.executor("upper", 2, { normalize: (s: string) => s.trim(), featurize: (s: string) => s.toUpperCase() });
const total = L.combiner("total", 1, {
  create: () => 0,
  add: (a: number, x: number) => a + x,
  merge: (a: number, b: number) => a + b,
  extract: (a: number) => a,
});

describe("references", () => {
  it("are name@version, and only that", () => {
    expect(refOf("geo.lookup", 3)).toBe("geo.lookup@3");
    expect(parseRef("geo.lookup@3")).toEqual({ name: "geo.lookup", version: 3 });
    for (const bad of ["geo", "geo@", "@1", "geo@1.5", "geo@-1", "1geo@1", "geo@1@2", " geo@1"]) expect(parseRef(bad), bad).toBeUndefined();
  });

  it("an executor's hooks are listed in the order they run", () => {
    expect(EXECUTOR_HOOKS).toEqual(["normalize", "filter", "enrich", "featurize"]);
    expect(hooksOf(upper2 as never)).toEqual(["normalize", "featurize"]);
    expect(upper2.ref).toBe("upper@2");
  });
});

describe("createRegistry", () => {
  it("holds executors and combiners apart, by ref, and services by name", () => {
    const client = async () => ({ ok: true });
    const r = createRegistry([upper1, upper2, total], { geo: client });
    expect([...r.executors.keys()]).toEqual(["upper@1", "upper@2"]);
    expect([...r.combiners.keys()]).toEqual(["total@1"]);
    expect(r.services.get("geo")).toBe(client);
  });

  it("accepts the same executor twice, refuses two different ones under one ref, naming the fix", () => {
    expect(() => createRegistry([upper1, upper1])).not.toThrow();
    const impostor = L.executor("upper", 1, { featurize: (s: string) => s.toLowerCase() });
    let err: unknown;
    try {
      createRegistry([upper1, impostor]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DefinitionError);
    expect((err as DefinitionError).code).toBe("LOCKSTEP_DEFINITION");
    expect((err as Error).message).toMatch(/two different executors are registered as "upper@1"\. Fix: give the newer one a new version number/);
  });

  it("merges registries, and a merge of conflicting entries fails the same way", () => {
    const merged = mergeRegistries(createRegistry([upper1], { a: async () => 1 }), createRegistry([total], { b: async () => 2 }));
    expect([...merged.executors.keys(), ...merged.combiners.keys(), ...merged.services.keys()]).toEqual(["upper@1", "total@1", "a", "b"]);
    const other = L.executor("upper", 1, { featurize: (s: string) => s });
    expect(() => mergeRegistries(createRegistry([upper1]), createRegistry([other]))).toThrow(DefinitionError);
  });
});

describe("describeKnown (for 'unknown executor' messages)", () => {
  const r = createRegistry([upper1, upper2, total]);
  it("lists the versions it has of the name asked for", () => {
    expect(describeKnown(r, "upper@7", "executor")).toBe("the registry has upper@1, upper@2");
  });
  it("otherwise lists every known name", () => {
    expect(describeKnown(r, "lower@1", "executor")).toBe('the registry has no executor named "lower" (known: upper@1, upper@2)');
    expect(describeKnown(r, "upper@1", "combiner")).toBe('the registry has no combiner named "upper" (known: total@1)');
  });
  it("says when it has none of that kind", () => {
    expect(describeKnown(createRegistry([total]), "x@1", "executor")).toBe("the registry has no executors");
  });
});
