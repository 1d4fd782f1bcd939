/**
 * The edge of a Flink run, in Node: every source record is decoded by the
 * one edge rule (`src/engine/edge.ts`: JSON, UTF-8, depth, the codec),
 * records it refuses become dead letters with their offset and reason, and
 * the accepted ones are written as clean JSON lines for the source's file
 * table: `_line` (the record's offset, its arrival order), `_sk` (the source
 * key), `_raw` (its canonical JSON) and one typed column per scalar field.
 *
 * A limitation of the first slice, stated in docs/flink-runner.md: decoding
 * runs in this process, not in Flink, so a backfill is read once by Node
 * before the job starts.
 *
 * @module
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { boundDeadLetter } from "../../src/engine/dead-letter.ts";
import type { DeadLetter, StageMetrics } from "../../src/engine/operator.ts";
import type { RawRecord } from "../../src/engine/topology.ts";
import type { SourceNode, TableNode } from "../../src/plan/ir.ts";
import { makeDecoder } from "../../src/schema/decode.ts";
import { fromSchema } from "../../src/schema/from-schema.ts";
import { recordsOf } from "../../src/run/inputs.ts";
import type { InputSource } from "../../src/run/inputs.ts";
import { RunError } from "../../src/core/errors.ts";
import { edgeRow } from "./edge-row.ts";
import type { SourceTable } from "./steps/source.ts";

/** Where the edge reports. */
export interface EdgeContext {
  deadLetter(d: DeadLetter): void;
  metrics(stage: string): StageMetrics;
}

/** Decodes `input` for source (or table) `node` and writes the clean lines of `table` (one file in its directory). */
export const writeSourceFile = async (node: SourceNode | TableNode, table: SourceTable, input: InputSource, ctx: EdgeContext): Promise<void> => {
  const decode = makeDecoder(fromSchema(node.schema));
  const m = ctx.metrics(node.id);
  await mkdir(table.path, { recursive: true });
  const out = createWriteStream(join(table.path, "records.jsonl"));
  const take = async (rec: RawRecord): Promise<void> => {
    m.in++;
    const r = edgeRow(node, table.fields, rec, decode);
    if (r.ok === false) {
      m.deadLetters++;
      ctx.deadLetter(boundDeadLetter(r.dead));
      return;
    }
    if (r.ok === "unrepresentable")
      throw new RunError(`${node.id}: the record at offset ${rec.offset}: ${r.problem}; run it on the direct, arquero or kafka runner`, node.id, {
        source: node.id,
        offset: rec.offset,
        field: r.field,
      });
    m.out++;
    const line = { _line: rec.offset, _sk: r.sk, _raw: r.raw, ...r.columns };
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, "drain");
  };
  try {
    const records = recordsOf(input, node.schema);
    if (Symbol.asyncIterator in records) for await (const rec of records as AsyncIterable<RawRecord>) await take(rec);
    else for (const rec of records as Iterable<RawRecord>) await take(rec);
  } finally {
    out.end();
    await once(out, "close");
  }
};
