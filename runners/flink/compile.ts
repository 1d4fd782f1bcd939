/**
 * The Flink compiler: a validated plan to Flink SQL statements — one step
 * per plan node in plan (topological) order (`steps/`), each adding
 * `CREATE TEMPORARY TABLE`/`VIEW` statements and, for sinks and side
 * outputs, an `INSERT`; the INSERTs run as one job (`EXECUTE STATEMENT SET`
 * when there are several). What the slice cannot run exactly is refused
 * with the stage and the reason, before anything is submitted.
 *
 * The slice (docs/flink-runner.md): file sources and tables (decoded at the
 * edge in Node, then read as JSON lines with an explicit `_line`), filter,
 * map, withTimestamps, dispatch and apply (executors in GraalJS), keyBy,
 * dedupe (without ttl), point-in-time lookup, sequence (without ttl), window
 * (fixed, sliding, session, global; late panes on), combine (count, sum,
 * mean, min, max, countDistinct) and sinks.
 *
 * @module
 */
import type { Plan, PlanNode } from "../../src/plan/ir.ts";
import { inputsOf } from "../../src/plan/ir.ts";
import type { StreamFacts } from "../../src/plan/validate.ts";
import { inferRowTypes } from "../../src/plan/row-types.ts";
import type { SchemaJson } from "../../src/schema/json-schema.ts";
import type { Rel } from "./rel.ts";
import type { TopicInput } from "./topic-input.ts";
import type { Build, OutputTable, Refusal, StepFn } from "./step.ts";
import { Refused, refuse } from "./step.ts";
import { combineStep } from "./steps/combine.ts";
import { dedupeStep } from "./steps/dedupe.ts";
import { filterStep } from "./steps/filter.ts";
import { applyStep, dispatchStep } from "./steps/executors.ts";
import { flatMapStep } from "./steps/flat-map.ts";
import { flattenStep } from "./steps/flatten.ts";
import { joinStep } from "./steps/join.ts";
import { keyByStep } from "./steps/key-by.ts";
import { lookupStep } from "./steps/lookup.ts";
import { mapStep } from "./steps/map.ts";
import { sequenceStep } from "./steps/sequence.ts";
import { sinkStep } from "./steps/sink.ts";
import type { SourceTable } from "./steps/source.ts";
import { sourceStep, tableStep } from "./steps/source.ts";
import { windowStep } from "./steps/window.ts";
import { withTimestampsStep } from "./steps/with-timestamps.ts";

/** The SQL of one stage, for `explain`. */
export interface CompiledStage {
  readonly stage: string;
  readonly op: PlanNode["op"];
  /** The statements this stage added (DDL, views, INSERTs), in order. */
  readonly sql: readonly string[];
}

/** A compiled plan: what to submit and what to read back. */
export interface FlinkProgram {
  readonly pipeline: string;
  readonly version: number;
  /** Every statement, in order; the last one runs the job (INSERTs before it run jobs that must finish first: a topic's edge). */
  readonly statements: readonly string[];
  /** Per stage, the statements it added. */
  readonly stages: readonly CompiledStage[];
  /** The file tables the runner writes at the edge, one per source read from a file (not those read from topics). */
  readonly sources: readonly SourceTable[];
  /** The tables the job writes: sinks, dead letters, late elements. */
  readonly outputs: readonly OutputTable[];
  /** True when the job calls lockstep's Java UDFs (the runner registers the UDF jar first). */
  readonly udfs: boolean;
  /** True when the job calls `ls_js` (the runner builds the pinned JavaScript bundle and registers the GraalJS functions). */
  readonly js: boolean;
}

/** The outcome of compiling: a program, or the refusal of one stage. */
export type Compiled = FlinkProgram | { readonly refused: Refusal };

/** Why each op outside the slice is refused. */
const OUTSIDE: Partial<Record<PlanNode["op"], string>> = {};

/** Where a compiled program's files live; explain shows placeholders. */
export interface CompileOptions {
  /** The work directory holding `in/<table>` and `out/<table>` (default `"<work dir>"`, for explain). */
  readonly workDir?: string;
  /** The pinned JavaScript bundle `ls_js` runs (default: placeholders, for explain and for a first pass that learns whether one is needed). */
  readonly js?: { readonly path: string; readonly sha256: string };
  /** What an executor that throws does (`--on-executor-error`): fail the job (default) or become a dead letter. */
  readonly executorErrors?: "fail" | "deadLetter";
  /** The sources and tables read from Kafka topics (by id); the others are files the runner writes at the edge. */
  readonly topics?: Readonly<Record<string, TopicInput>>;
}

/** The step of each op the slice runs: a visitor table, as the arquero runner keeps one. */
const STEPS: Partial<Record<PlanNode["op"], StepFn<PlanNode>>> = {
  filter: filterStep as StepFn<PlanNode>,
  map: mapStep as StepFn<PlanNode>,
  withTimestamps: withTimestampsStep as StepFn<PlanNode>,
  keyBy: keyByStep as StepFn<PlanNode>,
  window: windowStep as StepFn<PlanNode>,
  combine: combineStep as StepFn<PlanNode>,
  sink: sinkStep as StepFn<PlanNode>,
  dedupe: dedupeStep as StepFn<PlanNode>,
  flatten: flattenStep as StepFn<PlanNode>,
  sequence: sequenceStep as StepFn<PlanNode>,
  lookup: lookupStep as StepFn<PlanNode>,
  dispatch: dispatchStep as StepFn<PlanNode>,
  apply: applyStep as StepFn<PlanNode>,
  flatMap: flatMapStep as StepFn<PlanNode>,
  join: joinStep as StepFn<PlanNode>,
};

/** The step of `n` (a source's needs the source tables), or one that refuses it. */
const stepOf = (n: PlanNode, sources: SourceTable[]): StepFn<PlanNode> =>
  n.op === "source"
    ? (sourceStep(sources) as StepFn<PlanNode>)
    : n.op === "table"
      ? (tableStep(sources) as StepFn<PlanNode>)
      : (STEPS[n.op] ?? (() => refuse(n.id, OUTSIDE[n.op] ?? `${n.op} is not in the Flink slice yet`)));

/**
 * Compiles a validated plan (`facts` from `validatePlan`) to Flink SQL.
 *
 * @returns the program, or `{ refused: { stage, reason } }` for the first stage the slice cannot run
 */
export const compile = (plan: Plan, facts: ReadonlyMap<string, StreamFacts>, opts: CompileOptions = {}): Compiled => {
  const workDir = opts.workDir ?? "<work dir>";
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const sources: SourceTable[] = [];
  const outputs: OutputTable[] = [];
  const defines: string[] = [];
  const inserts: string[] = [];
  const befores: string[] = [];
  const stages: CompiledStage[] = [];
  const names = new Set<string>();
  let udfs = false;
  let js = false;
  const pin = opts.js ?? { path: `${workDir}/functions.js`, sha256: "<sha-256 of the bundle>" };
  const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;
  let current: string[] = [];
  let rows: ReadonlyMap<string, { row: SchemaJson }> | undefined;
  const b: Build = {
    facts,
    byId,
    rowOf: (stage) => {
      const { hash: _hash, ...unhashed } = plan as Plan & { hash?: string };
      rows ??= inferRowTypes(unhashed, facts).rows;
      return rows.get(stage)?.row ?? { type: "unknown" };
    },
    name: (hint) => {
      const base = hint.replace(/[^A-Za-z0-9_]/g, "_").toLowerCase();
      let name = `ls_${base}`;
      for (let i = 2; names.has(name); i++) name = `ls_${base}_${i}`;
      names.add(name);
      return name;
    },
    path: (kind, name) => `${workDir}/${kind}/${name}`,
    define: (sql) => {
      defines.push(sql);
      current.push(sql);
    },
    insert: (sql) => {
      inserts.push(sql);
      current.push(sql);
    },
    before: (sql) => {
      befores.push(sql);
      current.push(sql);
    },
    output: (o) => void outputs.push(o),
    executorErrors: opts.executorErrors ?? "fail",
    topicOf: (id) => (opts.topics !== undefined && Object.hasOwn(opts.topics, id) ? opts.topics[id] : undefined),
    useUdfs: () => {
      udfs = true;
    },
    useJs: () => {
      js = true;
      return { path: literal(pin.path), sha256: literal(pin.sha256) };
    },
  };
  const rels = new Map<string, Rel>();
  try {
    for (const n of plan.nodes) {
      current = [];
      const rel = stepOf(n, sources)(
        n,
        inputsOf(n).map((i) => rels.get(i)!),
        b,
      );
      rels.set(n.id, rel);
      stages.push({ stage: n.id, op: n.op, sql: current });
    }
  } catch (e) {
    if (e instanceof Refused) return { refused: e.refusal };
    throw e;
  }
  const run = inserts.length === 1 ? inserts[0]! : `EXECUTE STATEMENT SET BEGIN\n${inserts.map((s) => `${s};`).join("\n")}\nEND`;
  return { pipeline: plan.name, version: plan.version, statements: [...defines, ...befores, run], stages, sources, outputs, udfs, js };
};
