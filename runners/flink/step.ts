/**
 * A planned stage of the Flink compiler: each step turns one plan node and
 * its inputs' {@link Rel}s into SQL statements and the Rel of its output,
 * or refuses the node with the reason. What a step emits is what `explain`
 * prints and what the runner submits.
 *
 * @module
 */
import type { SqlKind } from "../../src/expr/compile-sql.ts";
import { SQL_TYPES } from "../../src/expr/compile-sql.ts";
import type { PlanNode, SourceNode, TableNode } from "../../src/plan/ir.ts";
import type { StreamFacts } from "../../src/plan/validate.ts";
import type { SchemaJson } from "../../src/schema/json-schema.ts";
import type { FieldColumn, PaneKey } from "./rel.ts";
import type { Rel } from "./rel.ts";
import type { TopicInput } from "./topic-input.ts";

/** Why a definition cannot run on Flink: the stage and the reason. */
export interface Refusal {
  readonly stage: string;
  readonly reason: string;
}

/** Thrown by a step that refuses its node; the compiler returns it as its result. */
export class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(`${refusal.stage}: ${refusal.reason}`);
  }
}

/** Refuses `stage` with `reason`. */
export const refuse = (stage: string, reason: string): never => {
  throw new Refused({ stage, reason });
};

/** What an output table's rows are, so the runner can rebuild elements and side outputs from them. */
export interface RowShape {
  readonly raw: boolean;
  /** Fields set over `_raw` from their columns (see `Rel.overlay`). */
  readonly overlay?: readonly string[];
  readonly fields: readonly FieldColumn[];
  readonly pane: PaneKey | null;
}

/** A filesystem table the job writes: a sink's rows, or one stage's dead letters or late elements. */
export type OutputTable = RowShape & {
  readonly stage: string;
  /** The SQL table name. */
  readonly table: string;
  /** The directory Flink writes its part files into. */
  readonly path: string;
} & (
    | { readonly kind: "sink" }
    | { readonly kind: "deadLetters"; readonly what: "eventTime" }
    /** Rows with their reason in a `_reason` column (a flatMap's, an expression's run-time error). */
    | { readonly kind: "deadLetters"; readonly what: "reason" }
    /** The records a topic's edge refused (in GraalJS, `ls_edge`): partition `_p`, offset `_o`, the value as text `_t` (UTF-8) or bytes `_b` (base64); `fields` are the node's columns. */
    | { readonly kind: "deadLetters"; readonly what: "edge"; readonly node: SourceNode | TableNode }
    /** A dispatch's rows with no branch: `known` is the branch values joined by ", ". */
    | { readonly kind: "deadLetters"; readonly what: "dispatch"; readonly field: string; readonly known: string }
    | { readonly kind: "late"; readonly allowedLateness: number; readonly session: boolean }
    /** How many records a topic source's edge read (one row, `n`): the source's `in` metric. */
    | { readonly kind: "edgeCount" }
  );

/** What a step may do while it builds. */
export interface Build {
  /** Validation's facts of each stage's output. */
  readonly facts: ReadonlyMap<string, StreamFacts>;
  /** The plan's nodes by id. */
  readonly byId: ReadonlyMap<string, PlanNode>;
  /** The inferred row type of a stage's output (`src/plan/row-types.ts`). */
  rowOf(stage: string): SchemaJson;
  /** A fresh SQL name for a view or table of `stage` (`hint` makes it readable). */
  name(hint: string): string;
  /** The directory for a source's or output's files (a SQL string literal is made of it by the caller). */
  path(kind: "in" | "out", name: string): string;
  /** Adds a statement run before the job (CREATE TEMPORARY TABLE / VIEW). */
  define(sql: string): void;
  /** Adds an INSERT to the job's statement set. */
  insert(sql: string): void;
  /** Adds an INSERT run as a job of its own, to completion, before the main job (a topic's edge, computed once). */
  before(sql: string): void;
  /** Declares an output table the runner reads back after the job. */
  output(o: OutputTable): void;
  /** What an executor that throws does: fail the job (the default) or become the element's dead letter. */
  readonly executorErrors: "fail" | "deadLetter";
  /** The Kafka topic source or table `id` is read from, or undefined for one read from the file the runner writes at the edge. */
  topicOf(id: string): TopicInput | undefined;
  /** Records that the job calls lockstep's Java UDFs (`ls_fsum`, `ls_fmean`, `ls_u16`, `ls_ranked_array`). */
  useUdfs(): void;
  /**
   * Records that the job calls the GraalJS functions (`ls_js`) on the run's pinned bundle of
   * lockstep's functions and the definition's executors; returns the bundle's path and SHA-256
   * as SQL string literals.
   */
  useJs(): { readonly path: string; readonly sha256: string };
}

/** One plan node's compilation: its output rows. */
export type StepFn<N extends PlanNode> = (n: N, ins: readonly Rel[], b: Build) => Rel;

/** The SQL type of a column of `kind` (a column null in every row is typed BOOLEAN, as `compileSql` types it). */
export const sqlType = (kind: SqlKind | "null"): string => (kind === "null" ? "BOOLEAN" : SQL_TYPES[kind]);
