/**
 * The edge rule of a Flink run for one record, in one place for both places
 * it runs: in Node for files (`edge.ts` writes the clean lines Flink reads)
 * and in GraalJS for Kafka topics (`js/functions.ts`'s `ls_edge`, which Flink
 * calls on each message). The record is admitted by the one edge rule of
 * every runner (`src/engine/edge.ts`) or is a dead letter with its reason;
 * an admitted one becomes its source key, its canonical JSON and its typed
 * columns by the one column rule (`column-value.ts`).
 *
 * @module
 */
import { canonicalJson } from "../../src/core/canonical.ts";
import { admit, sourceKeyText } from "../../src/engine/edge.ts";
import type { DeadLetter } from "../../src/engine/operator.ts";
import type { RawRecord } from "../../src/engine/raw-record.ts";
import type { SourceNode, TableNode } from "../../src/plan/ir.ts";
import type { Decoder } from "../../src/schema/decode.ts";
import { columnProblem, columnValue } from "./column-value.ts";
import type { FieldColumn } from "./rel.ts";

/** What the edge makes of one record. */
export type EdgeRow =
  /** Admitted: the source key (`""` for none or a table), the canonical JSON, the column values by column name. */
  | { readonly ok: true; readonly sk: string; readonly raw: string; readonly columns: Readonly<Record<string, unknown>> }
  /** Refused: the dead letter, not yet bounded (`boundDeadLetter` runs in Node, where it is read back). */
  | { readonly ok: false; readonly dead: DeadLetter }
  /** Admitted, but a field's value cannot be a Flink column (a lone surrogate): the run fails, naming it. */
  | { readonly ok: "unrepresentable"; readonly field: string; readonly problem: string };

/** The edge rule for record `rec` of source (or table) `node`, whose typed columns are `fields`. */
export const edgeRow = (node: SourceNode | TableNode, fields: readonly FieldColumn[], rec: RawRecord, decode: Decoder): EdgeRow => {
  const a = admit(node, rec, decode);
  if (!a.ok)
    return {
      ok: false,
      dead: {
        source: node.id,
        offset: rec.offset,
        ...(rec.partition === undefined ? {} : { partition: rec.partition }),
        stage: node.id,
        reason: a.reason,
        ...a.body,
      },
    };
  const v = a.value as Readonly<Record<string, unknown>>;
  const columns: Record<string, unknown> = {};
  for (const f of fields) {
    const x = columnValue(v, f);
    const problem = columnProblem(f, x);
    if (problem !== undefined) return { ok: "unrepresentable", field: f.name, problem };
    columns[f.column] = x;
  }
  return { ok: true, sk: node.op === "table" ? "" : (sourceKeyText(node, v) ?? ""), raw: canonicalJson(v), columns };
};
