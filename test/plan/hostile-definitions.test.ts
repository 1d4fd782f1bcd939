/**
 * Definitions that used to crash the loader instead of being refused with a
 * DefinitionError: prototype names where a name is looked up (issue 13,
 * defect 5) and nesting deep enough to overflow the stack (defect 3).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "../cli/helpers.ts";
import { MAX_DEPTH } from "../../src/core/depth.ts";
import { DefinitionErrors } from "../../src/core/errors.ts";
import { isFunctionName } from "../../src/expr/ast.ts";
import { compile, load, parsePlan, planToJson, registryOf } from "../../src/plan/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import { runArquero } from "../../runners/arquero/index.ts";
import * as L from "../../dsl/index.ts";
import windowCount, { KeyedEvent } from "../../examples/window-count.ts";
import userSequences from "../../examples/user-sequences.ts";

const PROTO_NAMES = ["constructor", "toString", "__proto__", "valueOf", "hasOwnProperty", "isPrototypeOf", "__defineGetter__"];

/** The messages of the DefinitionErrors `f` throws; fails the test on any other outcome. */
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof DefinitionErrors) return e.message;
    throw new Error(`expected DefinitionErrors, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  throw new Error("expected the definition to be refused");
};

const planOf = (p: Parameters<typeof compile>[0]) => JSON.parse(planToJson(compile(p))) as { nodes: Record<string, unknown>[] } & Record<string, unknown>;

/** A call expression `n` levels deep: add(add(add(…, 1), 1), 1). */
const deepExpr = (n: number): unknown => {
  let e: unknown = { op: "field", path: ["ts"] };
  for (let i = 0; i < n; i++) e = { op: "call", fn: "add", args: [e, { op: "lit", value: 1 }] };
  return e;
};

describe("a definition naming Object.prototype members is refused, not crashed on", () => {
  it.each(PROTO_NAMES)("node op %s", (name) => {
    const p = planOf(windowCount);
    p.nodes[1]!.op = name;
    expect(refusal(() => parsePlan(p))).toMatch(/nodes\[1\]\.op: unknown op/);
  });

  it.each(PROTO_NAMES)("expression op and function %s", (name) => {
    const p = planOf(windowCount);
    p.nodes[1]!.expr = { op: name, path: ["ts"] };
    expect(refusal(() => parsePlan(p))).toMatch(/nodes\[1\]\.expr\.op/);
    if (isFunctionName(name)) return; // "toString" is a catalogue function
    p.nodes[1]!.expr = { op: "call", fn: name, args: [] };
    expect(refusal(() => parsePlan(p))).toMatch(/nodes\[1\]\.expr\.fn: unknown function/);
  });

  it.each(PROTO_NAMES)("aggregate fn, window kind and dispatch otherwise %s", (name) => {
    const p = planOf(windowCount);
    const combine = p.nodes.find((n) => n.op === "combine")!;
    combine.aggs = [["count", { fn: name }]];
    const win = p.nodes.find((n) => n.op === "window")!;
    win.window = { kind: name };
    expect(refusal(() => parsePlan(p))).toMatch(/aggs|window/);
    const u = planOf(userSequences);
    const dispatch = u.nodes.find((n) => n.op === "dispatch")!;
    dispatch.otherwise = name;
    expect(refusal(() => parsePlan(u, registryOf(userSequences)))).toMatch(/otherwise/);
  });
});

describe(`a definition nested deeper than ${MAX_DEPTH} levels is refused with its path`, () => {
  it("an expression nested 3,000 deep, loaded from JSON", () => {
    const p = planOf(windowCount);
    p.nodes[1]!.expr = "DEEP";
    // Written as text: JSON.stringify itself overflows on a value this deep.
    const open = '{"op":"call","fn":"add","args":['.repeat(3000);
    const close = ',{"op":"lit","value":1}]}'.repeat(3000);
    const text = JSON.stringify(p).replace('"DEEP"', open + '{"op":"field","path":["ts"]}' + close);
    const msg = refusal(() => parsePlan(text));
    expect(msg).toMatch(/^nodes\[1\]\.expr/);
    expect(msg).toContain(`deeper than ${MAX_DEPTH} levels`);
  });

  it("an expression just within the limit is judged on its content, not its depth", () => {
    const p = planOf(windowCount);
    // Plan, nodes and node are three levels; each call adds an object and an args array; the innermost
    // field is an object with a path array: 3 + 2k + 2 levels.
    p.nodes[1]!.expr = deepExpr(Math.floor((MAX_DEPTH - 5) / 2));
    // The plan was edited, so only its hash is wrong.
    expect(refusal(() => parsePlan(p))).toMatch(/^hash: does not match/);
  });

  it("a pipeline built in code with an expression nested 3,000 deep does not compile", () => {
    const deep = L.pipeline("deep", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", KeyedEvent, { key: "key" }),
        L.withTimestamps((e) => {
          let x = e.field("ts");
          for (let i = 0; i < 3000; i++) x = x.add(1) as typeof x;
          return x;
        }),
        sink("out"),
      ),
    );
    const msg = refusal(() => compile(deep));
    expect(msg).toContain(`deeper than ${MAX_DEPTH} levels`);
  });
});

describe("a parameter named like an Object.prototype member", () => {
  it.each(PROTO_NAMES)("--param %s=x on a compiled definition is an unknown parameter", async (name) => {
    const json = planToJson(compile(windowCount));
    expect(() => load(json, registryOf(windowCount)).build({ [name]: "x" })).toThrow(`this compiled definition has no parameter "${name}"`);
    await expect(runDirect(JSON.parse(json), { inputs: { events: [] }, params: Object.fromEntries([[name, "x"]]) })).rejects.toThrow(`${name}=(none)`);
  });
});

describe("an expression as deep as the limit allows", () => {
  it("compiles and runs on the DirectRunner and the Arquero runner", async () => {
    // Plan, nodes, node: 3 levels; the struct, its fields and the pair: 3; each add an object and its args array: 2·123;
    // the field and its path: 2. 3 + 3 + 246 + 2 = 254 ≤ 256.
    const deep = L.pipeline("deep-ok", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", KeyedEvent, { key: "key" }),
        L.map((e) => {
          let x = e.field("ts");
          for (let i = 0; i < 123; i++) x = x.add(1) as typeof x;
          return { key: e.field("key"), y: x };
        }),
        sink("out"),
      ),
    );
    for (const run of [runDirect, runArquero]) {
      const r = await run(deep, { inputs: { events: [{ key: "a", ts: 1 }] } });
      expect(r.outputs["out"]).toEqual([{ key: "a", y: 124 }]);
    }
  });
});

describe("the command line refuses them with exit 2, naming the path", () => {
  const dir = tempDir();
  const planFile = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("lockstep validate on an expression nested 3,000 deep", async () => {
    const p = planOf(windowCount);
    p.nodes[1]!.expr = "DEEP";
    const deep = '{"op":"call","fn":"add","args":['.repeat(3000) + '{"op":"field","path":["ts"]}' + ',{"op":"lit","value":1}]}'.repeat(3000);
    const r = await cli("validate", planFile("deep.json", JSON.stringify(p).replace('"DEEP"', deep)));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nodes\[1\]\.expr: nested deeper than 256 levels/);
  });

  it("lockstep validate and run on a node whose op is constructor", async () => {
    const p = planOf(windowCount);
    p.nodes[2]!.op = "constructor";
    const file = planFile("ctor.json", JSON.stringify(p));
    for (const args of [
      ["validate", file],
      ["run", file, "--in", "events=-", "--out", "counts=-"],
    ]) {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/nodes\[2\]\.op: unknown op "constructor"/);
    }
  });
});
