import { describe, expect, it } from "vitest";
import { DefinitionErrors } from "../../src/core/errors.ts";
import { compile, load, parsePlan, planToJson, registryOf } from "../../src/plan/index.ts";
import { createRegistry } from "../../src/registry/registry.ts";
import userSequences, { longView } from "../../examples/user-sequences.ts";
import { executor } from "../../dsl/executor.ts";

const plan = compile(userSequences);
const json = planToJson(plan);
const registry = registryOf(userSequences);

const errorsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof DefinitionErrors) return e.errors.map((x) => x.message);
    throw e;
  }
  throw new Error("expected DefinitionErrors");
};

describe("load", () => {
  it("round-trips: load(compile(p)) compiles to the identical JSON", () => {
    const again = compile(load(json, registry));
    expect(planToJson(again)).toBe(json);
  });

  it("rejects an unknown executor version at load time, naming what the registry has", () => {
    const v2 = executor("longView", 2, { filter: () => true });
    const msgs = errorsOf(() => load(json, createRegistry([v2])));
    expect(msgs.join("\n")).toMatch(/branch "view" uses executor "longView@1", which is not registered \(the registry has longView@2\)/);
  });

  it("names the JSON path, what was expected, and the fix for shape errors", () => {
    const p = JSON.parse(json);
    p.nodes[1].expr = { op: "call", fn: "lowr", args: [] };
    p.nodes[3].by = "eventId";
    p.nodes[7].latest = 0;
    p.nodes[7].lastest = 50;
    const msgs = errorsOf(() => parsePlan(p, registry)).join("\n");
    expect(msgs).toMatch(/nodes\[1\]\.expr(\.fn)?: .*unknown function "lowr"/);
    expect(msgs).toMatch(/nodes\[3\]\.by: expected .*found "eventId"/);
    expect(msgs).toMatch(/nodes\[7\]\.latest: expected a whole number ≥ 1, found 0/);
    expect(msgs).toMatch(/nodes\[7\]\.lastest: is not a field of a sequence node\. Fix: remove it/);
  });

  it("rejects an edited file whose hash no longer matches, and a foreign format", () => {
    const p = JSON.parse(json);
    p.nodes[7].latest = 10;
    expect(errorsOf(() => parsePlan(p, registry)).join("\n")).toMatch(/^hash: does not match the content/);
    const q = JSON.parse(json);
    q.format = "lockstep.plan/9";
    expect(errorsOf(() => parsePlan(q, registry)).join("\n")).toMatch(/format: this lockstep reads "lockstep.plan\/1"/);
  });

  it("keeps loaded expressions as data: a field name holding code is only ever a field name", async () => {
    const p = JSON.parse(json);
    const evil = `"]);globalThis.__pwned=1;//`;
    p.nodes[1].expr = { op: "field", path: [evil] };
    // Declared (optional) in the schema, so the field check accepts the reference and the run reaches the compiler.
    p.nodes[0].schema.allOf[1].properties[evil] = { type: "number" };
    const { hash: _h, ...rest } = p;
    const { hashPlan } = await import("../../src/plan/compile.ts");
    p.hash = hashPlan(rest);
    const loaded = load(p, registry);
    const { runDirect } = await import("../../runners/direct/index.ts");
    const r = await runDirect(loaded, {
      inputs: { events: [{ eventId: "e", userId: "u", itemId: "i", type: "save", ts: 1, [evil]: 5 }], items: [] },
      registry,
    });
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined();
    expect(r.outputs.sequences).toEqual([{ userId: "u", events: [{ itemId: "i", type: "save", ts: 1, category: null }] }]);
  });
});

void longView;
