/**
 * The Flink compiler's refusals: each op and rule outside the first slice
 * is refused with the stage that holds it and a reason naming what is
 * missing, before anything is submitted; definitions inside the slice
 * compile to a program with one output table per sink and side output.
 * (No gateway needed; the SQL itself is judged by running it, in
 * parity.test.ts and expressions.test.ts.)
 */
import { describe, expect, it } from "vitest";
import * as t from "io-ts";
import * as L from "../../../dsl/index.ts";
import windowCount from "../../../examples/window-count.ts";
import wordcount from "../../../examples/wordcount.ts";
import q4 from "../../../examples/nexmark/q4.ts";
import q6 from "../../../examples/nexmark/q6.ts";
import q9 from "../../../examples/nexmark/q9.ts";
import sessions from "../../../examples/sessions.ts";
import userSequences from "../../../examples/user-sequences.ts";
import { ast } from "../../../src/expr/ast.ts";
import type { Expr } from "../../../src/expr/ast.ts";
import { buildPipeline } from "../../../src/parity/pipelines.ts";
import type { Recipe, Terminal } from "../../../src/parity/pipelines.ts";
import type { Pipeline } from "../../../src/plan/graph.ts";
import { explainFlink, formatFlinkExplanation } from "../../../runners/flink/explain.ts";
import { compileOrRefuse } from "../../../runners/flink/runner.ts";
import { topicInputOf } from "../../../runners/flink/topic-input.ts";
import { compile as compilePlan } from "../../../src/plan/compile.ts";

const combine = (over: Partial<Extract<Terminal, { kind: "combine" }>> = {}): Terminal => ({
  kind: "combine",
  window: { kind: "fixed", size: 2000, offset: 0 },
  lateness: 0,
  early: null,
  late: true,
  aggs: ["count"],
  ...over,
});

const recipe = (over: Partial<Recipe> = {}): Recipe => ({ sourceKey: true, pre: [], keyFields: ["k"], terminal: combine(), tap: false, post: null, ...over });

const refusalOf = (p: Pipeline) => explainFlink(p).refused;

describe("flink compile: refusals name the stage and the reason", () => {
  const cases: [string, Recipe, string, RegExp][] = [
    ["dedupe with a ttl", recipe({ pre: [{ kind: "dedupe", ttl: 2000 }] }), "events.dedupe", /ttl/],
    ["a dedupe after a flatMap", recipe({ pre: [{ kind: "flatMap" }, { kind: "dedupe" }] }), "events.dedupe", /after a flatMap/],
    [
      "a join in session windows",
      recipe({ terminal: { kind: "join", window: { kind: "session", gap: 1000 }, lateness: 0, joinKind: "inner" } }),
      "events-others.join",
      /session/,
    ],
    ["no late panes", recipe({ terminal: combine({ late: false }) }), "events.window", /late panes/],
    ["collect", recipe({ terminal: combine({ aggs: ["collect"] }) }), "events.combine", /collect/],
    ["topK", recipe({ terminal: combine({ aggs: ["count", "topK"] }) }), "events.combine", /topK/],
    ["a combine of a combine", recipe({ terminal: { kind: "chain" } }), "events.keyBy.2", /after a combine/],
  ];
  for (const [what, r, stage, reason] of cases) {
    it(what, () => {
      const refused = refusalOf(buildPipeline(r));
      expect(refused?.stage).toBe(stage);
      expect(refused?.reason).toMatch(reason);
    });
  }

  /** A pipeline filtering events by `cond`. */
  const filtered = (cond: Expr): Pipeline =>
    L.pipeline("f", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", t.type({ s: t.string, x: t.number, o: t.type({ a: t.number }) })),
        L.filter(() => new L.Expr<boolean>(cond)),
        sink("out"),
      ),
    );

  /** The SQL of `p`'s stage `op`. */
  const sqlOf = (p: Pipeline, op: string) =>
    explainFlink(p)
      .stages.find((s) => s.op === op)!
      .sql.join("\n");

  it("a condition SQL cannot state exactly runs in GraalJS as the engine's compiled expression, with dead letters", () => {
    for (const cond of [
      ast.call("lt", ast.field("s"), ast.lit("m")), // Flink orders strings by code point
      ast.call("matches", ast.field("s"), ast.lit("a+")), // RE2 has no Flink built-in
      ast.call("eq", ast.field("o"), ast.lit(1)), // "o" is an object: no SQL column
    ]) {
      expect(refusalOf(filtered(cond))).toBeUndefined();
      expect(sqlOf(filtered(cond), "filter")).toMatch(
        /ls_js\('<work dir>\/functions\.js', '<sha-256 of the bundle>', 'ls_expr'.*\nINSERT INTO ls_dl_events_filter /s,
      );
    }
    // A condition SQL can say stays SQL.
    expect(sqlOf(filtered(ast.call("gt", ast.field("x"), ast.lit(1))), "filter")).not.toMatch(/ls_js/);
  });

  it("a map field SQL cannot compute exactly: the whole object in GraalJS (ls_map)", () => {
    const p = L.pipeline("m", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", t.type({ s: t.string, o: t.type({ a: t.number }) })),
        L.map((e) => ({ s: e.field("s"), a: e.field("o").field("a") })),
        sink("out"),
      ),
    );
    expect(refusalOf(p)).toBeUndefined();
    expect(sqlOf(p, "map")).toMatch(/'ls_map'/);
  });

  it("a flatten of streams whose fields differ", () => {
    // Differently typed streams: the DSL's types refuse them, a loaded JSON plan may not.
    const flatten = L.flatten as (streams: any[]) => any;
    const p = L.pipeline("fl", { version: 1 }, ({ source, sink }) =>
      sink("out")(flatten([source("a", t.type({ x: t.number })), source("b", t.type({ y: t.string }))])),
    );
    expect(refusalOf(p)).toMatchObject({ stage: "a-b.flatten", reason: expect.stringMatching(/different fields/) });
  });

  it("a dedupe after a flatten: which duplicate is first would depend on the interleaving of sources (§2, §14)", () => {
    const Ev = t.type({ id: t.string, x: t.number });
    const p = L.pipeline("fl-dedupe", { version: 1 }, ({ source, sink }) => L.pipe(L.flatten([source("a", Ev), source("b", Ev)]), L.dedupe("id"), sink("out")));
    expect(refusalOf(p)).toMatchObject({ stage: expect.stringMatching(/dedupe/), reason: expect.stringMatching(/after a flatten/) });
  });

  it("a withTimestamps after a flatten that reads one source along two paths: twin rows share one arrival position", () => {
    const Ev = t.type({ id: t.string, x: t.number });
    const p = L.pipeline("fl-diamond", { version: 1 }, ({ source, sink }) => {
      const events = source("events", Ev);
      const big = L.pipe(
        events,
        L.filter((e) => e.field("x").gt(0)),
      );
      return L.pipe(
        L.flatten([events, big]),
        L.withTimestamps((e) => e.field("x")),
        sink("out"),
      );
    });
    expect(refusalOf(p)).toMatchObject({ stage: expect.stringMatching(/withTimestamps/), reason: expect.stringMatching(/two paths/) });
  });

  it("the examples outside the slice: Nexmark q4 and q6, at the stage after their first combine", () => {
    for (const q of [q4, q6]) {
      const r = refusalOf(q);
      expect(r?.stage).toMatch(/withTimestamps|keyBy/);
      expect(r?.reason).toMatch(/after a combine/);
    }
    // Every other example compiles.
    for (const p of [windowCount, wordcount, sessions, userSequences, q9]) expect(refusalOf(p)).toBeUndefined();
  });

  it("the text form says the stage and the reason", () => {
    expect(formatFlinkExplanation(explainFlink(buildPipeline(recipe({ terminal: combine({ aggs: ["collect"] }) }))))).toMatch(
      /cannot run on flink: stage events\.combine: the aggregate collect/,
    );
  });
});

describe("flink compile: accepted definitions", () => {
  it("sessions: first and last as FIRST_VALUE in the rule's order, strings by UTF-16 code unit", () => {
    const e = explainFlink(sessions);
    expect(e.refused).toBeUndefined();
    const sql = e.stages.find((s) => s.op === "combine")!.sql.join("\n");
    expect(sql).toMatch(/FIRST_VALUE\(_a5\) OVER \(PARTITION BY _k0, _sid ORDER BY CASE WHEN _a5 IS NULL THEN 1 ELSE 0 END, _t ASC, ls_u16\(_a5\) ASC\)/);
    expect(sql).toMatch(/FIRST_VALUE\(_a6\) OVER \(PARTITION BY _k0, _sid ORDER BY CASE WHEN _a6 IS NULL THEN 1 ELSE 0 END, _t DESC, ls_u16\(_a6\) DESC\)/);
  });

  it("a custom combiner: each group's [time, input] pairs ranked by (time, UTF-16 JSON), run in GraalJS (ls_combine); the row is JSON text", () => {
    const e = explainFlink(buildPipeline(recipe({ terminal: combine({ aggs: ["count", "countPositive"] }) })));
    expect(e.refused).toBeUndefined();
    const sql = e.stages.find((s) => s.op === "combine")!.sql.join("\n");
    expect(sql).toMatch(/'\[' \|\| JSON_STRING\(_t\) \|\| ',' \|\| COALESCE\(JSON_STRING\(f\d+\), 'null'\) \|\| '\]' AS _a1/);
    expect(sql).toMatch(/ROW_NUMBER\(\) OVER \(PARTITION BY _k0, _ws, _we ORDER BY _t, ls_u16\(_a1\)\) AS _r1/);
    expect(sql).toMatch(/ls_ranked_array\(_r1, _a1\) AS _g1/);
    expect(sql).toMatch(
      /'ls_combine'.*'spec' VALUE '\[\["k",null\],\["windowStart",null\],\["windowEnd",null\],\["count",null\],\["countPositive","countPositive@1"\]\]'/s,
    );
  });

  it("Nexmark's winning bids: a custom combiner over the whole element (row()) takes its canonical JSON", () => {
    const e = explainFlink(q9);
    expect(e.refused).toBeUndefined();
    const sql = e.stages.find((s) => s.op === "combine")!.sql.join("\n");
    expect(sql).toMatch(/'\[' \|\| JSON_STRING\(_t\) \|\| ',' \|\| JSON_VALUE\(ls_js\([^)]*'ls_canonical'/);
    expect(sql).toMatch(/ls_ranked_array\(_r0, _a0\)/);
  });

  it("an executor on rows a map rebuilt: their canonical JSON becomes the record first (GraalJS)", () => {
    const e = explainFlink(
      buildPipeline(
        recipe({
          pre: [
            { kind: "mapX", expr: ast.call("mul", ast.field("x"), ast.lit(2)) },
            { kind: "apply", executor: "double" },
          ],
        }),
      ),
    );
    expect(e.refused).toBeUndefined();
    expect(e.stages.find((s) => s.op === "apply")!.sql.join("\n")).toMatch(/'ls_canonical'.*\n.*'ls_exec'/s);
  });

  it("a sequence with a ttl: entries older than the key's newest time minus the ttl are cut", () => {
    const e = explainFlink(buildPipeline(recipe({ terminal: { kind: "sequence", latest: 2, ttl: 2000 } })));
    expect(e.refused).toBeUndefined();
    expect(e.stages.find((s) => s.op === "sequence")!.sql.join("\n")).toMatch(/WHERE _t >= _km - 2000E0/);
  });

  it("a windowed left join: both sides windowed by their own stage, SQL's LEFT JOIN on key and window, one late table per side", () => {
    const e = explainFlink(
      buildPipeline(recipe({ terminal: { kind: "join", window: { kind: "fixed", size: 1000, offset: 0 }, lateness: 0, joinKind: "left" } })),
    );
    expect(e.refused).toBeUndefined();
    const sql = e.stages.find((s) => s.op === "join")!.sql.join("\n");
    expect(sql).toMatch(/LEFT JOIN .* ON l\._k0 IS NOT DISTINCT FROM r\._k0 AND l\._ws IS NOT DISTINCT FROM r\._ws/);
    expect(sql.match(/CREATE TEMPORARY TABLE ls_late_events_others_join/g)).toHaveLength(2);
  });

  it("wordcount: the flatMap and the filter the SQL catalogue refuses (length) run in GraalJS, each with its dead letters", () => {
    const e = explainFlink(wordcount);
    expect(e.refused).toBeUndefined();
    const sqlOf = (op: string) => e.stages.find((s) => s.op === op)!.sql.join("\n");
    expect(sqlOf("flatMap")).toMatch(/LATERAL TABLE\(ls_js_flat\('<work dir>\/functions\.js', '<sha-256 of the bundle>', 'ls_flat'/);
    expect(sqlOf("filter")).toMatch(/ls_js\('<work dir>\/functions\.js', '<sha-256 of the bundle>', 'ls_expr'/);
    expect(e.statements.at(-1)).toMatch(/INSERT INTO ls_dl_lines_flatmap .*\nINSERT INTO ls_dl_lines_filter /);
  });

  it("the flagship: dispatch (keep, drop, an executor in GraalJS), dedupe, point-in-time lookup, keyBy, sequence", () => {
    const e = explainFlink(userSequences);
    expect(e.refused).toBeUndefined();
    expect(e.stages.map((s) => s.op)).toEqual(["source", "withTimestamps", "dispatch", "dedupe", "table", "lookup", "keyBy", "sequence", "sink"]);
    expect(e.udfs).toBe(true);
    expect(e.js).toBe(true);
    const sqlOf = (op: string) => e.stages.find((s) => s.op === op)!.sql.join("\n");
    // keep/drop are SQL; only the executor's branch calls GraalJS, from the pinned bundle.
    expect(sqlOf("dispatch")).toMatch(/CASE f\d+ WHEN 'save' THEN 'keep' WHEN 'click' THEN 'keep' WHEN 'view' THEN 'longView@1' WHEN 'hide' THEN 'drop'/);
    expect(sqlOf("dispatch")).toMatch(/ls_js\('<work dir>\/functions\.js', '<sha-256 of the bundle>', 'ls_exec'/);
    expect(sqlOf("lookup")).toMatch(/LEAD\(_vf\) OVER \(PARTITION BY _vk ORDER BY _vf\)/);
    expect(sqlOf("lookup")).toMatch(/LEFT JOIN .* IS NOT DISTINCT FROM v\._vk AND v\._vf <= e\._t/);
    expect(sqlOf("sequence")).toMatch(/ROW_NUMBER\(\) OVER \(PARTITION BY _k0 ORDER BY _t DESC, _io ASC\)/);
    expect(sqlOf("sequence")).toMatch(/WHERE _rk <= 50/);
    expect(sqlOf("sequence")).toMatch(
      /'\{' \|\| '"itemId":' \|\| COALESCE\(JSON_STRING\(f\d+\), 'null'\) \|\| ',"type":' \|\| COALESCE\(JSON_STRING\(f\d+\), 'null'\) \|\| ',"ts":' .* \|\| ',"category":' .* AS _ej/,
    );
    expect(sqlOf("sequence")).toMatch(/ls_ranked_array\(_rk, _ej\) AS _es/);
    expect(formatFlinkExplanation(e)).toMatch(/^-- first: ADD JAR <lockstep GraalJS jar>/m);
  });

  it("a source and a table from Kafka topics: the Kafka connector bounded and read_committed, the edge in GraalJS, no file written by Node", () => {
    const program = compileOrRefuse(compilePlan(userSequences), "/w", undefined, {
      events: { topic: "ev'ents", brokers: ["h1:9092", "h2:9092"] },
      items: { topic: "items", brokers: ["h1:9092"] },
    });
    const sql = program.statements.join("\n");
    // A quote in a topic name is data, escaped as every SQL literal is.
    expect(sql).toMatch(/'connector' = 'kafka', 'topic' = 'ev''ents', 'properties\.bootstrap\.servers' = 'h1:9092,h2:9092'/);
    expect(sql).toMatch(
      /'properties\.isolation\.level' = 'read_committed', 'scan\.startup\.mode' = 'earliest-offset', 'scan\.bounded\.mode' = 'latest-offset'/,
    );
    expect(sql).toMatch(/_p INT METADATA FROM 'partition' VIRTUAL, _o BIGINT METADATA FROM 'offset' VIRTUAL/);
    // Arrival order: partition, then offset; the edge rule per message, its value decoded as UTF-8 in Java, else its bytes.
    expect(sql).toMatch(/CAST\(_p AS BIGINT\) \* 1099511627776 \+ _o AS _line/);
    expect(sql).toMatch(
      /LATERAL TABLE\(ls_js_flat\('\/w\/functions\.js', '<sha-256 of the bundle>', 'ls_edge', JSON_OBJECT\('s' VALUE 'events', 'p' VALUE _p, 'o' VALUE _o, 't' VALUE _t, 'b' VALUE _b/,
    );
    expect(sql).toMatch(/ls_utf8\(_v\) AS _t/);
    expect(sql).toMatch(/CASE WHEN _v IS NOT NULL AND _t IS NULL THEN TO_BASE64\(_v\) END AS _b/);
    // The edge runs once, in a job before the pipeline's, into the table the pipeline reads.
    expect(program.statements.slice(-3, -1).map((x) => x.split(" ").slice(0, 3).join(" "))).toEqual([
      "INSERT INTO ls_events_judged",
      "INSERT INTO ls_items_judged",
    ]);
    expect(program.statements.at(-1)).toMatch(/FROM ls_events_judged/);
    expect(program.statements.at(-1)).not.toMatch(/ls_js_flat/);
    expect(program.udfs).toBe(true);
    expect(program.sources).toEqual([]);
    expect(program.js).toBe(true);
    expect(program.outputs.filter((o) => o.kind === "deadLetters" && o.what === "edge").map((o) => o.stage)).toEqual(["events", "items"]);
    expect(program.outputs.filter((o) => o.kind === "edgeCount").map((o) => o.stage)).toEqual(["events", "items"]);
    // Consumer properties from the URL's query go to the reader, which stays read_committed.
    const secured = topicInputOf("kafka://h1:9093,h2:9093/ev%20ents?security.protocol=SASL_SSL&sasl.mechanism=PLAIN&isolation.level=read_uncommitted");
    expect(secured).toEqual({
      brokers: ["h1:9093", "h2:9093"],
      topic: "ev ents",
      properties: { "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "isolation.level": "read_uncommitted" },
    });
    const securedSql = compileOrRefuse(compilePlan(userSequences), "/w", undefined, { events: secured! }).statements.join("\n");
    expect(securedSql).toMatch(/'properties\.security\.protocol' = 'SASL_SSL', 'properties\.sasl\.mechanism' = 'PLAIN'\)/);
    expect(securedSql).not.toMatch(/read_uncommitted/);
    expect(topicInputOf("kafka://h1:9092")).toBeUndefined();
    expect(topicInputOf("events.jsonl")).toBeUndefined();
    // Only the topic's source: the other stays a file Node writes.
    expect(compileOrRefuse(compilePlan(userSequences), "/w", undefined, { items: { topic: "items", brokers: ["h1:9092"] } }).sources.map((x) => x.id)).toEqual([
      "events",
    ]);
  });

  it("window-count: one job, a table per sink, late table per windowed combine, dead letters per withTimestamps", () => {
    const e = explainFlink(windowCount);
    expect(e.refused).toBeUndefined();
    expect(e.stages.map((s) => s.op)).toEqual(["source", "withTimestamps", "keyBy", "window", "combine", "sink"]);
    expect(e.statements.filter((s) => s.startsWith("INSERT") || s.startsWith("EXECUTE"))).toHaveLength(1);
  });

  it("a flatten of two sources built alike: accepted", () => {
    expect(
      explainFlink(buildPipeline(recipe({ union: true, pre: [{ kind: "filter", expr: ast.call("gt", ast.field("x"), ast.lit(0)) }] }))).refused,
    ).toBeUndefined();
  });

  it("filter, map, dedupe, keyBy, sliding window with early panes, sum/mean/min/max/countDistinct: accepted, with the exact-sum UDAFs", () => {
    const r = recipe({
      pre: [
        { kind: "dedupe" },
        { kind: "filter", expr: ast.call("gt", ast.field("x"), ast.lit(0)) },
        { kind: "mapX", expr: ast.call("mul", ast.field("x"), ast.lit(2)) },
      ],
      keyFields: ["k", "tag"],
      terminal: combine({
        window: { kind: "sliding", size: 4000, period: 2000, offset: 500 },
        lateness: 1000,
        early: 2,
        aggs: ["sum", "mean", "min", "max", "countDistinct"],
      }),
      tap: true,
    });
    const e = explainFlink(buildPipeline(r));
    expect(e.refused).toBeUndefined();
    expect(e.udfs).toBe(true);
    expect(e.statements.at(-1)).toMatch(/^EXECUTE STATEMENT SET BEGIN/);
  });
});
