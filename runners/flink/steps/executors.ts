/**
 * `dispatch` and `apply` (§5). Routing is SQL: a `CASE` over the dispatch
 * field gives each row its branch (`keep`, `drop`, an executor's ref, or
 * `dead` for a value with no branch when `otherwise` says so); only a string
 * value matches a branch, as the engine routes. `keep` rows pass as they
 * are; `dead` rows go to this stage's dead letters (worded by the engine's
 * `noBranchReason` when they are read back). Executor rows go through
 * `ls_js(…, 'ls_exec', …)`: the executor run in GraalJS by the engine's own
 * `runHooks`, from the run's bundle pinned by SHA-256 (`js-bundle.ts`); its
 * output comes back as canonical JSON (the new `_raw`) and the typed columns,
 * NULL when its filter dropped the element.
 *
 * Rows that are no longer the source record (after a map, or with lookup
 * fields set over it) get their canonical JSON as `_raw` first (`asRecord`),
 * so kept and executed rows are alike. Refused: stages after a combine.
 * The runner refuses executors that call services. An executor that throws
 * fails the job, or with `--on-executor-error dead-letter` is the element's
 * dead letter (`failedDeadLetters`).
 *
 * @module
 */
import { sqlString } from "../../../src/expr/compile-sql.ts";
import type { ApplyNode, Branch, DispatchNode } from "../../../src/plan/ir.ts";
import type { Rel } from "../rel.ts";
import { allColumns, metaColumns, selectList } from "../rel.ts";
import { fileTable, view } from "../sql.ts";
import type { Build } from "../step.ts";
import { refuse, sqlType } from "../step.ts";
import type { StepFn } from "../step.ts";
import { asRecord, elementArgSql, jsCall, jsColumn } from "./element-json.ts";

/** A SQL string literal of `s` (ours or data), or the stage refused. */
const lit = (stage: string, s: string): string => {
  const l = sqlString(s);
  return typeof l === "string" ? l : refuse(stage, l.refused);
};

/**
 * Rows of `from` whose `_r` names an executor, run through it: their meta columns, the output's
 * canonical JSON as `_raw` and its typed columns; dropped rows are gone.
 */
const executed = (stage: string, rel: Rel, from: string, b: Build): string => {
  const cols = JSON.stringify(rel.fields.map((f) => [f.name, f.column, f.kind]));
  const dl = b.executorErrors === "deadLetter";
  const arg = elementArgSql(stage, rel, ["'ref' VALUE _r", `'cols' VALUE ${lit(stage, cols)}`, ...(dl ? ["'dl' VALUE TRUE"] : [])]);
  const called = b.name(`${stage}_exec`);
  b.define(view(called, `SELECT ${selectList(metaColumns(rel))}, ${jsCall(b, "ls_exec", arg)} AS _x FROM ${from} WHERE _r LIKE '%@%'`));
  if (dl) failedDeadLetters(stage, called, b);
  const meta = selectList(metaColumns(rel), { _raw: "JSON_VALUE(_x, '$.raw')" });
  const out = b.name(`${stage}_out`);
  const ok = dl ? "_x IS NOT NULL AND JSON_VALUE(_x, '$.dead') IS NULL" : "_x IS NOT NULL";
  b.define(view(out, `SELECT ${[meta, ...rel.fields.map((f) => jsColumn("_x", f.column, f.kind))].join(", ")} FROM ${called} WHERE ${ok}`));
  return out;
};

/**
 * With `--on-executor-error dead-letter`: the rows whose executor threw (`{ dead: reason }`, worded
 * by the engine's `executorFailureReason` in GraalJS) to this stage's dead letters, each with the
 * element the executor was given (`_raw`: the rows are the record, `asRecord`).
 */
const failedDeadLetters = (stage: string, called: string, b: Build): void => {
  const dead = b.name(`dl_${stage}_exec`);
  const path = b.path("out", dead);
  b.define(
    fileTable(
      dead,
      [
        ["_line", "BIGINT"],
        ["_src", "STRING"],
        ["_raw", "STRING"],
        ["_reason", "STRING"],
      ],
      path,
    ),
  );
  b.insert(`INSERT INTO ${dead} SELECT _line, _src, _raw, JSON_VALUE(_x, '$.dead') AS _reason FROM ${called} WHERE JSON_VALUE(_x, '$.dead') IS NOT NULL`);
  b.output({ kind: "deadLetters", what: "reason", stage, table: dead, path, raw: true, overlay: [], fields: [], pane: null });
};

/** The dead-letter table of `rel`'s rows of `from` whose route is `dead`. */
const deadLetters = (n: DispatchNode, rel: Rel, from: string, b: Build): void => {
  const dead = b.name(`dl_${n.id}`);
  const cols: [string, string][] = [
    ["_line", "BIGINT"],
    ["_src", "STRING"],
    ["_raw", "STRING"],
    ...rel.fields.map((f): [string, string] => [f.column, sqlType(f.kind)]),
  ];
  const path = b.path("out", dead);
  b.define(fileTable(dead, cols, path));
  b.insert(`INSERT INTO ${dead} SELECT ${cols.map(([c]) => c).join(", ")} FROM ${from} WHERE _r = 'dead'`);
  b.output({
    kind: "deadLetters",
    what: "dispatch",
    field: n.field,
    known: Object.keys(n.branches).join(", "),
    stage: n.id,
    table: dead,
    path,
    raw: rel.raw,
    overlay: rel.overlay ?? [],
    fields: rel.fields,
    pane: null,
  });
};

/** Routes `rel` by `route` (SQL giving `_r`), then keeps, runs or dead-letters each row. */
const routed = (stage: string, input: Rel, route: string, b: Build, executors: boolean, onDead?: (from: string) => void): Rel => {
  if (input.pane !== null) return refuse(stage, "an executor stage after a combine is not in the Flink slice yet");
  // An executor's output comes back as `_raw`, so every row of the stage is the record `_raw` says.
  const rel = executors ? asRecord(stage, input, b) : input;
  const columns = allColumns(rel);
  const r = b.name(`${stage}_routes`);
  b.define(view(r, `SELECT ${selectList(columns)}, ${route} AS _r FROM ${rel.view}`));
  onDead?.(r);
  const out: Rel = { ...rel, view: b.name(stage) };
  const kept = `SELECT ${selectList(columns)} FROM ${r} WHERE _r = 'keep'`;
  const parts = executors ? [kept, `SELECT ${selectList(columns)} FROM ${executed(stage, rel, r, b)}`] : [kept];
  b.define(view(out.view, parts.join(" UNION ALL ")));
  return out;
};

/** The route of a branch, as the `_r` value. */
const routeOf = (b: Branch): string => b;

/** The step of a dispatch. */
export const dispatchStep: StepFn<DispatchNode> = (n, [input], b) => {
  const rel = input!;
  const f = rel.fields.find((x) => x.name === n.field);
  if (f === undefined && rel.unsupported.has(n.field)) return refuse(n.id, rel.unsupported.get(n.field)!);
  const otherwise = n.otherwise === "deadLetter" ? "dead" : n.otherwise;
  const branches = Object.entries(n.branches);
  // Only a string value matches a branch (a missing field is null and matches none).
  const route =
    f?.kind === "string" && branches.length > 0
      ? `CASE ${f.column} ${branches.map(([v, br]) => `WHEN ${lit(n.id, v)} THEN ${lit(n.id, routeOf(br))}`).join(" ")} ELSE '${otherwise}' END`
      : `'${otherwise}'`;
  const executors = branches.some(([, br]) => br !== "keep" && br !== "drop");
  return routed(n.id, rel, route, b, executors, n.otherwise === "deadLetter" ? (from) => deadLetters(n, rel, from, b) : undefined);
};

/** The step of an apply: every row through one executor. */
export const applyStep: StepFn<ApplyNode> = (n, [input], b) => routed(n.id, input!, lit(n.id, n.executor), b, true);
