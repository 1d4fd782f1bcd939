/**
 * `explain`: the verb plan is inspectable, and each example stays columnar
 * where docs/arquero-runner.md says it does (its "Examples" table lists the
 * stages that are not).
 */
import { readFileSync } from "node:fs";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import sessions from "../../../examples/sessions.ts";
import userSequences from "../../../examples/user-sequences.ts";
import windowCount from "../../../examples/window-count.ts";
import wordcount from "../../../examples/wordcount.ts";
import { ast } from "../../../src/expr/ast.ts";
import { compile, planToJson } from "../../../src/plan/index.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { explain, formatExplanation, runArquero } from "../../../runners/arquero/index.ts";

/** The doc's table: example → stages that are not columnar. */
const documented = (): Map<string, string[]> => {
  const doc = readFileSync("docs/arquero-runner.md", "utf8");
  const start = doc.indexOf("## Examples");
  const section = doc.slice(start, doc.indexOf("\n## ", start + 1));
  const rows = section.split("\n").filter((l) => /^\| [a-z-]+ \|/.test(l) && !l.startsWith("| example"));
  return new Map(
    rows.map((l) => {
      const [name, stages] = l
        .split("|")
        .slice(1, 3)
        .map((c) => c.trim()) as [string, string];
      return [name, stages === "—" ? [] : stages.split(",").map((s) => s.trim())];
    }),
  );
};

const EXAMPLES: Record<string, Pipeline<any>> = { wordcount, "user-sequences": userSequences, sessions, "window-count": windowCount };

describe("explain", () => {
  it("the doc lists every example", () => {
    expect([...documented().keys()].sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it.each(Object.entries(EXAMPLES))("%s is columnar where the doc says", (name, def) => {
    const stages = explain(def).stages;
    const notColumnar = stages.filter((s) => s.mode === "row-at-a-time").map((s) => s.stage);
    expect(notColumnar).toEqual(documented().get(name));
    for (const s of stages) {
      expect(s.verbs.length).toBeGreaterThan(0);
      if (s.mode === "columnar") expect(s.fallbacks).toEqual([]);
      else if (s.mode === "row-at-a-time") expect(s.fallbacks.length).toBeGreaterThan(0);
      else expect(["source", "table", "sink"]).toContain(s.op);
    }
  });

  it("window-count stays columnar for every window kind", () => {
    for (const window of ["global", "fixed:10s", "sliding:30s/5s", "session:10m"]) {
      expect(explain(windowCount, { params: { window, lateness: "5s" } }).stages.filter((s) => s.mode === "row-at-a-time")).toEqual([]);
    }
  });

  it("shows the generated arquero expressions and the lateness rule", () => {
    const text = formatExplanation(explain(windowCount, { params: { window: "sliding:30s/5s", lateness: "5s" } }));
    expect(text).toContain("rolling(d => op.max(d._t), [-Infinity, 0])");
    expect(text).toContain("filter(d => d._c >= d._we + 5000)");
    expect(text).toContain('unroll("_wn")');
    expect(formatExplanation(explain(wordcount))).toContain("op.ls_split(t1, $.p0)");
  });

  it("explains a compiled plan (JSON) without its executors", () => {
    const json = planToJson(compile(userSequences));
    expect(explain(json).stages.find((s) => s.stage === "events.dispatch")?.fallbacks).toEqual(["executor longView@1 is user JavaScript"]);
  });

  it("names each fallback, and the run logs it", async () => {
    const Ev = t.type({ id: t.string, s: t.string, p: t.string, ts: t.number });
    const p = L.pipeline("fallbacks", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("ev", Ev),
        L.withTimestamps((e) => e.field("ts")),
        // A pattern computed at run time: only row by row.
        L.filter(() => new L.Expr<boolean>(ast.call("matches", ast.field("s"), ast.field("p")))),
        L.dedupe("id", { ttl: 1000 }),
        sink("out"),
      ),
    );
    const modes = Object.fromEntries(explain(p).stages.map((s) => [s.stage, [s.mode, s.fallbacks.join("; ")]]));
    expect(modes["ev.filter"]).toEqual(["row-at-a-time", expect.stringContaining("computed at run time")]);
    expect(modes["ev.dedupe"]).toEqual(["row-at-a-time", expect.stringContaining("sequential scan")]);
    const logs: string[] = [];
    const r = await runArquero(p, {
      inputs: {
        ev: [
          { id: "a", s: "abc", p: "b+", ts: 1 },
          { id: "b", s: "abc", p: "x", ts: 2 },
        ],
      },
      log: (l) => logs.push(l),
    });
    expect(r.outputs.out).toEqual([{ id: "a", p: "b+", s: "abc", ts: 1 }]);
    expect(logs).toEqual([
      expect.stringMatching(/^stage "ev.filter": an expression uses "matches" with a pattern computed at run time.*aq.escape$/),
      expect.stringMatching(/^stage "ev.dedupe": dedupe with a ttl.*row at a time$/),
    ]);
  });
});
