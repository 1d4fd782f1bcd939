/**
 * Regexes through whole runs (issue 13, defect 4): a pattern from a record
 * field is evaluated by RE2 on the DirectRunner and the ArqueroBatchRunner
 * alike; a record whose pattern RE2 refuses is a dead letter with the
 * reason, never a crash; a literal pattern RE2 refuses makes the definition
 * invalid (exit 2, naming the node path and the fix).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { ast } from "../../src/expr/ast.ts";
import { compile, hashPlan } from "../../src/plan/compile.ts";
import { cli, tempDir } from "../cli/helpers.ts";
import { checkParity } from "../runners/arquero/parity.ts";
import { runArquero } from "../../runners/arquero/index.ts";
import { runDirect } from "../../runners/direct/index.ts";

const Rec = t.type({ k: t.string, ts: t.number, s: t.string, p: t.string });

/** A field's value matched against the record's own pattern, as a DSL expression (the DSL only takes literal patterns). */
const matchesOwnPattern = new L.Expr<boolean | null>(ast.call("matches", ast.field("s"), ast.field("p")));
const replacedByOwnPattern = new L.Expr<string | null>(ast.call("replace", ast.field("s"), ast.field("p"), ast.lit("_")));

const EVIL = "a".repeat(30) + "!";

const RECORDS = [
  { k: "x", ts: 1, s: "abc", p: "^a" },
  { k: "x", ts: 2, s: EVIL, p: "^(a+)+$" },
  { k: "y", ts: 3, s: "aa", p: "(a)\\1" }, // a backreference: RE2 refuses it
  { k: "y", ts: 4, s: "bab", p: "a(?=b)" }, // a lookahead: refused
  { k: "y", ts: 5, s: "b", p: "b|c" },
];

/** Offsets (1-based) of the two records with refused patterns, and the start of their reason. */
const REFUSED = [3, 4];

const run = (p: L.Pipeline<any>) => checkParity(p, { inputs: { ev: RECORDS } });

describe("a pattern from a record field", () => {
  it("filter: evaluated per record; a refused one is a dead letter of the filter", async () => {
    const p = L.pipeline("re-filter", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Rec, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.filter(() => matchesOwnPattern),
        sink("out"),
      ),
    );
    const { direct } = await run(p);
    expect(direct.outputs.out!.map((r: any) => r.ts)).toEqual([1, 5]);
    expect(direct.deadLetters.map((d) => [d.offset, d.stage])).toEqual(REFUSED.map((o) => [o, "ev.filter"]));
    expect(direct.deadLetters[0]!.reason).toMatch(/^invalid regular expression "\(a\)\\\\1" computed at run time: .*Fix: write the pattern in RE2 syntax/);
    expect(direct.deadLetters[1]!.reason).toMatch(/^invalid regular expression "a\(\?=b\)" computed at run time: .*Perl syntax/);
  });

  it("map: the refused records are dead letters, the others mapped", async () => {
    const p = L.pipeline("re-map", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Rec, { key: "k" }),
        L.map((e) => ({ k: e.field("k"), ts: e.field("ts"), m: matchesOwnPattern, r: replacedByOwnPattern })),
        sink("out"),
      ),
    );
    const { direct } = await run(p);
    expect(direct.outputs.out!.map((r: any) => [r.ts, r.m, r.r]).sort((a, b) => a[0] - b[0])).toEqual([
      [1, true, "_bc"],
      [2, false, EVIL],
      [5, true, "_"],
    ]);
    expect(direct.deadLetters.map((d) => [d.offset, d.stage])).toEqual(REFUSED.map((o) => [o, "ev.map"]));
  });

  it("combine input: a refused record counts nowhere and is a dead letter of the combine", async () => {
    const p = L.pipeline("re-combine", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Rec, { key: "k" }),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("k"),
        L.window(L.fixed(10)),
        L.combine({ n: L.count(), hits: L.collect(() => matchesOwnPattern) }),
        sink("out"),
      ),
    );
    const { direct } = await run(p);
    expect(direct.outputs.out!.map((r: any) => [r.k, r.n, r.hits])).toEqual([
      ["x", 2, [true, false]],
      ["y", 1, [true]],
    ]);
    expect(direct.deadLetters.map((d) => [d.offset, d.stage])).toEqual(REFUSED.map((o) => [o, "ev.combine"]));
  });
});

describe("a literal pattern RE2 refuses", () => {
  const dir = tempDir();

  it("is an invalid definition at load: exit 2, the node path and the fix", async () => {
    const p = L.pipeline("re-literal", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Rec, { key: "k" }),
        L.filter((e) => e.field("s").matches("^x")),
        sink("out"),
      ),
    );
    // A hand-edited definition (the DSL would refuse the backreference too, at compile).
    const { hash: _, ...plan } = compile(p) as any;
    const node = plan.nodes.findIndex((n: any) => n.op === "filter");
    plan.nodes[node].expr.args[1].value = "(x)\\1";
    const file = join(dir, "plan.json");
    writeFileSync(file, JSON.stringify({ ...plan, hash: hashPlan(plan) }));
    const r = await cli("validate", file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`nodes[${node}].expr.args[1].value: invalid regular expression "(x)\\\\1" for "matches"`);
    expect(r.err).toMatch(/Fix: write the pattern in RE2 syntax/);
  });

  it("from the DSL, is refused by both runners before any record is read", async () => {
    const p = L.pipeline("re-dsl", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Rec, { key: "k" }),
        L.filter((e) => e.field("s").matches(/(?<=a)b/)),
        sink("out"),
      ),
    );
    const refused = /invalid regular expression "\(\?<=a\)b" for "matches".*Fix: write the pattern in RE2 syntax/;
    await expect(runDirect(p, { inputs: { ev: RECORDS } })).rejects.toThrow(refused);
    await expect(runArquero(p, { inputs: { ev: RECORDS }, log: () => {} })).rejects.toThrow(refused);
  });
});
