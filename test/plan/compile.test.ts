import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { DefinitionErrors } from "../../src/core/errors.ts";
import { compile, hashPlan, PLAN_FORMAT } from "../../src/plan/index.ts";
import userSequences from "../../examples/user-sequences.ts";

const Ev = t.type({ k: t.string, ts: t.number, x: t.number });

const chain = (extraFilter: boolean) =>
  L.pipeline("names", { version: 3 }, ({ source, sink }) => {
    const base = L.pipe(
      source("ev", Ev, { key: "k" }),
      L.withTimestamps((e) => e.field("ts")),
    );
    const filtered = extraFilter
      ? L.pipe(
          base,
          L.filter((e) => e.field("x").gt(0)),
        )
      : base;
    return L.pipe(filtered, L.keyBy("k"), L.window(L.fixed("10s")), L.combine({ n: L.count() }), sink("out"));
  });

describe("compile", () => {
  it("writes format, name, version, params, executors and a content hash", () => {
    const plan = compile(userSequences);
    expect(plan.format).toBe(PLAN_FORMAT);
    expect(plan.name).toBe("user-sequences");
    expect(plan.version).toBe(1);
    expect(plan.executors).toEqual(["longView@1"]);
    const { hash, ...rest } = plan;
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hash).toBe(hashPlan(rest));
    expect(plan.nodes.map((n) => n.op)).toEqual(["source", "withTimestamps", "dispatch", "dedupe", "table", "lookup", "keyBy", "sequence", "sink"]);
  });

  it("derives stage names from sources and op, so a stateless insert upstream keeps keyed stages' names", () => {
    const a = compile(chain(false)).nodes.map((n) => n.id);
    const b = compile(chain(true)).nodes.map((n) => n.id);
    expect(a).toEqual(["ev", "ev.withTimestamps", "ev.keyBy", "ev.window", "ev.combine", "out"]);
    expect(b).toContain("ev.filter");
    expect(b.filter((id) => id !== "ev.filter")).toEqual(a);
  });

  it("names stages of a multi-source stage after all its sources, and numbers repeats", () => {
    const ids = compile(userSequences).nodes.map((n) => n.id);
    expect(ids).toContain("events-items.lookup");
    const p = L.pipeline("twice", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.filter((e) => e.field("x").gt(0)),
        L.filter((e) => e.field("x").lt(9)),
        sink("out"),
      ),
    );
    expect(compile(p).nodes.map((n) => n.id)).toEqual(["ev", "ev.filter", "ev.filter.2", "out"]);
  });

  it("uses a given stage name and rejects a duplicate or illegal one", () => {
    const named = L.pipeline("named", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.filter((e) => e.field("x").gt(0), { name: "positive" }),
        sink("out"),
      ),
    );
    expect(compile(named).nodes[1]!.id).toBe("positive");
    const dup = L.pipeline("dup", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.filter((e) => e.field("x").gt(0), { name: "ev" }),
        sink("out"),
      ),
    );
    expect(() => compile(dup)).toThrow(/two different stages \(source and filter\) are named "ev"/);
    const bad = L.pipeline("bad", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.filter((e) => e.field("x").gt(0), { name: "my stage!" }),
        sink("out"),
      ),
    );
    expect(() => compile(bad)).toThrow(/may hold only letters.*Fix: rename it, e.g. "my-stage-"/);
  });

  it("rejects semantic errors with the stage and the fix", () => {
    const noTime = L.pipeline("no-time", { version: 1 }, ({ source, sink }) =>
      L.pipe(source("ev", Ev), L.keyBy("k"), L.window(L.fixed("10s")), L.combine({ n: L.count() }), sink("out")),
    );
    expect(() => compile(noTime)).toThrow(DefinitionErrors);
    expect(() => compile(noTime)).toThrow(/stage "ev.window" \(window\): a time-based window needs event times\. Fix: add L.withTimestamps/);
    const chained = L.pipeline("chained", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.window(L.fixed("10s")),
        L.combine({ n: L.count() }),
        L.keyBy("n"),
        L.combine({ m: L.count() }),
        sink("out"),
      ),
    );
    expect(() => compile(chained)).toThrow(/may fire more than once/);
  });

  it("records parameter values, defaults filled in", () => {
    const p = L.pipeline("params", { version: 1, params: { size: "10s", unused: "x" } }, ({ source, sink, param }) =>
      L.pipe(
        source("ev", Ev),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.window(L.fixed(param("size"))),
        L.combine({ n: L.count() }),
        sink("out"),
      ),
    );
    const plan = compile(p, { size: "1m" });
    expect(plan.params).toEqual({ size: "1m", unused: "x" });
    expect(plan.nodes.find((n) => n.op === "window")).toMatchObject({ window: { kind: "fixed", size: 60_000, offset: 0 } });
    expect(() => compile(p, { sise: "1m" })).toThrow(/has no parameter "sise". Fix: use one of size, unused/);
  });
});
