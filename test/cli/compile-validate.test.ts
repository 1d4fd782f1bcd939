import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildPipeline } from "../../src/parity/pipelines.ts";
import { compile, hashPlan } from "../../src/plan/compile.ts";
import type { Plan } from "../../src/plan/ir.ts";
import { cli, repo, tempDir } from "./helpers.ts";

const dir = tempDir();
const flagship = repo("examples/user-sequences.ts");
/** A compiled plan outside the Flink slice (every example is in it): a combine with `collect`. */
const collectPipeline = buildPipeline({
  sourceKey: true,
  pre: [],
  keyFields: ["k"],
  terminal: { kind: "combine", window: null, lateness: 0, early: null, late: true, aggs: ["collect"] },
  tap: false,
  post: null,
});
const inputs = ["--in", `events=${repo("examples/data/events.jsonl")}`, "--in", `items=${repo("examples/data/items.jsonl")}`];

/** Writes a changed copy of a compiled plan; `rehash` makes it a consistent definition again. */
/** A plan as plain, editable JSON. */
type Mutable = { executors: string[]; nodes: Record<string, any>[] };
const variant = (from: string, name: string, edit: (p: Mutable) => void, rehash: boolean): string => {
  const plan = JSON.parse(readFileSync(from, "utf8"));
  edit(plan);
  if (rehash) {
    const { hash: _, ...rest } = plan;
    plan.hash = hashPlan(rest);
  }
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(plan, null, 2));
  return path;
};

describe("lockstep compile", () => {
  const def = join(dir, "defs/user-sequences.json");

  it("writes the definition with -o (creating the directory) or to stdout", async () => {
    expect(await cli("compile", flagship, "-o", def)).toEqual({ code: 0, out: "", err: "" });
    const text = readFileSync(def, "utf8");
    const plan = JSON.parse(text) as Plan;
    expect(plan).toMatchObject({ format: "lockstep.plan/1", name: "user-sequences", version: 1, executors: ["longView@1"] });
    const stdout = await cli("compile", flagship);
    expect(stdout.code).toBe(0);
    expect(stdout.out).toBe(text);
    expect((await cli("compile", flagship, "-o", "-")).out).toBe(text); // - is stdout, not a file named "-"
  });

  it("records --param values, and refuses unknown ones and compiled input", async () => {
    const r = await cli("compile", repo("examples/window-count.ts"), "--param", "window=session:10m");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).params).toEqual({ window: "session:10m", lateness: "0s" });
    const bad = await cli("compile", repo("examples/window-count.ts"), "--param", "size=10s");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('has no parameter "size". Fix: use one of window, lateness');
    const broken = await cli("compile", repo("test/cli/fixtures/bad-build.ts"), "--param", "mode=no");
    expect(broken.code).toBe(2);
    expect(broken.err).toContain("the pipeline cannot be built");
    const again = await cli("compile", def);
    expect(again.code).toBe(2);
    expect(again.err).toContain("is already compiled. Fix: pass the .ts/.js module");
  });

  it("run def.json --executors gives the same output files as running the module", async () => {
    const fromModule = join(dir, "from-module.jsonl");
    const fromDef = join(dir, "from-def.jsonl");
    const deadModule = join(dir, "dead-module.jsonl");
    const deadDef = join(dir, "dead-def.jsonl");
    expect((await cli("run", flagship, ...inputs, "--out", `sequences=${fromModule}`, "--dead-letters", deadModule, "-q")).code).toBe(0);
    expect((await cli("run", def, "--executors", flagship, ...inputs, "--out", `sequences=${fromDef}`, "--dead-letters", deadDef, "-q")).code).toBe(0);
    expect(readFileSync(fromModule, "utf8").length).toBeGreaterThan(0);
    expect(readFileSync(fromDef, "utf8")).toBe(readFileSync(fromModule, "utf8"));
    expect(readFileSync(deadDef, "utf8")).toBe(readFileSync(deadModule, "utf8"));
  });

  it("run def.json without its executors, or with other params, is refused (exit 2)", async () => {
    const r = await cli("run", def, ...inputs);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/"longView@1", which is not registered.*Fix: .*--executors/);
    const p = await cli("compile", repo("examples/window-count.ts"), "-o", join(dir, "wc.json"));
    expect(p.code).toBe(0);
    const q = await cli("run", join(dir, "wc.json"), "--in", `events=${repo("examples/data/window-events.jsonl")}`, "--param", "window=global");
    expect(q.code).toBe(2);
    expect(q.err).toContain("params.window:");
    expect(q.err).toContain("was compiled with window=fixed:10s");
    expect(q.err).toContain("Fix: recompile");
  });
});

describe("lockstep validate", () => {
  const def = join(dir, "validate/user-sequences.json");

  it("accepts a freshly compiled file, saying whether executors were checked", async () => {
    expect((await cli("compile", flagship, "-o", def)).code).toBe(0);
    const plan = JSON.parse(readFileSync(def, "utf8")) as Plan;
    const r = await cli("validate", def);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      `${def}: valid lockstep.plan/1 definition "user-sequences" v1, 9 stages, ${plan.hash}\n  executors not checked (pass --executors): longView@1\n`,
    );
    const checked = await cli("validate", def, "--executors", flagship);
    expect(checked).toEqual({ code: 0, out: `${def}: valid lockstep.plan/1 definition "user-sequences" v1, 9 stages, ${plan.hash}\n`, err: "" });
  });

  it("refuses a hand-edited file: the hash no longer matches (exit 2, path `hash`)", async () => {
    const edited = variant(
      def,
      "edited.json",
      (p) => {
        p.nodes.find((n) => n.op === "sequence")!.latest = 10;
      },
      false,
    );
    const r = await cli("validate", edited);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^lockstep: invalid definition: hash: does not match the content \(expected sha256:[0-9a-f]{64}\)/);
    expect(r.err).toContain("Fix: recompile it with `lockstep compile`");
  });

  it("refuses an unknown executor version when given --executors (exit 2, naming where)", async () => {
    // As if compiled against longView@2 while the module provides longView@1.
    const v2 = variant(
      def,
      "v2.json",
      (p) => {
        p.executors = ["longView@2"];
        p.nodes.find((n) => n.op === "dispatch")!.branches.view = "longView@2";
      },
      true,
    );
    const unchecked = await cli("validate", v2);
    expect(unchecked.code).toBe(0);
    expect(unchecked.out).toContain("executors not checked (pass --executors): longView@2");
    const r = await cli("validate", v2, "--executors", flagship);
    expect(r.code).toBe(2);
    expect(r.err).toContain('stage "events.dispatch" (dispatch): branch "view" uses executor "longView@2", which is not registered');
    expect(r.err).toContain("longView@1"); // what the module does have
    expect(r.err).toContain("Fix: register that executor version");
  });

  it("reports shape errors at their JSON path", async () => {
    const bad = variant(
      def,
      "shape.json",
      (p) => {
        const seq = p.nodes.find((n) => n.op === "sequence")!;
        seq.latest = "fifty";
        seq.lates = 3;
      },
      true,
    );
    const r = await cli("validate", bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain("nodes[7].latest:");
    expect(r.err).toContain("nodes[7].lates:");
    expect(r.err).toContain("Fix:");
  });

  it("refuses what is not a definition", async () => {
    writeFileSync(join(dir, "not.json"), "{ nope");
    const notJson = await cli("validate", join(dir, "not.json"));
    expect(notJson.code).toBe(2);
    expect(notJson.err).toContain("(root): not valid JSON");
    const mod = await cli("validate", flagship);
    expect(mod.code).toBe(2);
    expect(mod.err).toContain("is a module. Fix: compile it first");
    const missing = await cli("validate", join(dir, "missing.json"));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("cannot be read (ENOENT)");
  });
});

describe("lockstep graph", () => {
  it("draws Mermaid by default: sources and tables as cylinders, sinks as parallelograms, one edge per input", async () => {
    const r = await cli("graph", flagship);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines[0]).toBe("flowchart LR");
    expect(r.out).toContain('  n0[("events<br/>source events (key userId)")]');
    expect(r.out).toContain('  n4[("items<br/>table items (key itemId, validFrom updatedAt)")]');
    expect(r.out).toContain('  n2["events.dispatch<br/>dispatch type"]');
    expect(r.out).toContain('  n7["events-items.sequence<br/>sequence latest 50 by eventId"]');
    // The sink shows how it is served: its request parameters and stages.
    expect(r.out).toContain('  n8[/"sequences<br/>sink sequences, served: params limit, hide → filterItems events → limit events"/]');
    // 9 stages, 8 edges: the lookup reads both the dedupe and the table.
    expect(lines.filter((l) => l.includes("-->"))).toEqual([
      "  n0 --> n1",
      "  n1 --> n2",
      "  n2 --> n3",
      "  n3 --> n5",
      "  n4 --> n5",
      "  n5 --> n6",
      "  n6 --> n7",
      "  n7 --> n8",
    ]);
  });

  it("draws dot, from a module or its compiled definition alike", async () => {
    const r = await cli("graph", flagship, "--format", "dot");
    expect(r.code).toBe(0);
    expect(r.out.startsWith('digraph "user-sequences" {\n  rankdir=LR;\n')).toBe(true);
    expect(r.out.endsWith("}\n")).toBe(true);
    expect(r.out).toContain('  n0 [label="events\\nsource events (key userId)", shape=box];');
    expect(r.out).toContain("  n3 -> n5;");
    expect(r.out).toContain("  n4 -> n5;");
    const def = join(dir, "graph.json");
    expect((await cli("compile", flagship, "-o", def)).code).toBe(0);
    expect(await cli("graph", def, "--format", "dot")).toEqual(r); // no --executors needed to draw
  });

  it("shows windows with --param, and refuses an unknown format", async () => {
    const r = await cli("graph", repo("examples/window-count.ts"), "--param", "window=sliding:30s/5s", "--param", "lateness=5s");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/window sliding:30s\/5s lateness 5000ms/);
    const bad = await cli("graph", flagship, "--format", "pdf");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/'pdf' is invalid.*mermaid, dot, svg, png/);
  });
});

describe("lockstep explain", () => {
  it("shows the arquero verb plan: columnar stages, and the executor that is not", async () => {
    const r = await cli("explain", flagship);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^pipeline "user-sequences" v1 on arquero: 9 stages$/m);
    expect(r.out).toMatch(/^events\.withTimestamps \(withTimestamps\) — columnar$/m);
    expect(r.out).toMatch(/not columnar: executor longView@1 is user JavaScript/);
    const j = await cli("explain", flagship, "--json");
    expect(JSON.parse(j.out)).toMatchObject({ runner: "arquero", pipeline: "user-sequences" });
  });

  it("refuses an unknown runner with exit 2", async () => {
    const r = await cli("explain", flagship, "--runner", "spark");
    expect(r.code).toBe(2);
  });

  it("--runner flink: the SQL of a definition in the slice, or the stage and reason it is refused", async () => {
    const ok = await cli("explain", repo("examples/window-count.ts"), "--runner", "flink");
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^pipeline "window-count" v1 on flink: 6 stages/);
    expect(ok.out).toMatch(/^CREATE TEMPORARY TABLE /m);
    // Every example runs on Flink now: a compiled plan with an aggregate outside the slice is refused.
    const plan = join(dir, "collect.json");
    writeFileSync(plan, JSON.stringify(compile(collectPipeline)));
    const refused = await cli("explain", plan, "--runner", "flink", "--json");
    expect(JSON.parse(refused.out).refused).toMatchObject({ stage: "events.combine", reason: expect.stringMatching(/aggregate collect/) });
    // The flagship: executors through GraalJS, the lookup as version intervals, the sequence ranked in SQL.
    const flag = await cli("explain", flagship, "--runner", "flink");
    expect(flag.code).toBe(0);
    expect(flag.out).toMatch(/^pipeline "user-sequences" v1 on flink: 9 stages/);
    expect(flag.out).toMatch(/^-- events\.dispatch \(dispatch\)\n.*'longView@1'/m);
    expect(flag.out).toMatch(/ls_js\('<work dir>\/functions\.js', '<sha-256 of the bundle>', 'ls_exec'/);
    expect(flag.out).toMatch(/LEFT JOIN ls_events_items_lookup_versions AS v ON/);
    expect(flag.out).toMatch(/ls_ranked_array\(_rk, _ej\)/);
    // With a source from a Kafka topic: the SQL that would run (the Kafka connector, the edge job first).
    const topic = await cli("explain", flagship, "--runner", "flink", "--in", "events=kafka://h1:9092/clicks");
    expect(topic.code, topic.err).toBe(0);
    expect(topic.out).toMatch(/'connector' = 'kafka', 'topic' = 'clicks', 'properties\.bootstrap\.servers' = 'h1:9092'/);
    expect(topic.out).toMatch(/^INSERT INTO ls_events_judged /m);
    const typo = await cli("explain", flagship, "--runner", "flink", "--in", "evnts=kafka://h1:9092/clicks");
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/has no source or table "evnts"\. Fix: use one of events, items/);
    const notTopic = await cli("explain", flagship, "--runner", "flink", "--in", "events=events.jsonl");
    expect(notTopic.code).toBe(2);
    expect(notTopic.err).toMatch(/not a topic input\. Fix: write it kafka:\/\//);
  });

  it("run --runner flink refuses the same definition with the stage and reason before anything starts (exit 2)", async () => {
    const plan = join(dir, "collect-run.json");
    writeFileSync(plan, JSON.stringify(compile(collectPipeline)));
    writeFileSync(join(dir, "collect-events.jsonl"), `${JSON.stringify({ id: "1", k: "a", ts: 1, x: 1, s: "s", tag: "a" })}\n`);
    const r = await cli("run", plan, "--runner", "flink", "--in", `events=${join(dir, "collect-events.jsonl")}`, "--gateway", "http://127.0.0.1:9");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/events\.combine: the Flink runner cannot run this stage: the aggregate collect/);
    const misplaced = await cli(
      "run",
      repo("examples/wordcount.ts"),
      "--gateway",
      "http://127.0.0.1:9",
      "--in",
      `lines=${repo("examples/data/window-events.jsonl")}`,
    );
    expect(misplaced.code).toBe(2);
    expect(misplaced.err).toMatch(/--gateway and --parallelism are options of the Flink runner/);
    const parallel = await cli("run", repo("examples/wordcount.ts"), "--parallelism", "2", "--in", `lines=${repo("examples/data/window-events.jsonl")}`);
    expect(parallel.code).toBe(2);
    expect(parallel.err).toMatch(/--gateway and --parallelism are options of the Flink runner/);
    const zero = await cli(
      "run",
      repo("examples/wordcount.ts"),
      "--runner",
      "flink",
      "--parallelism",
      "0",
      "--in",
      `lines=${repo("examples/data/window-events.jsonl")}`,
    );
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/--parallelism 0: expected a whole number ≥ 1. Fix: e.g. --parallelism 2/);
  });
});
