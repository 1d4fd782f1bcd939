/**
 * Reading a source or table into an arquero table: every record is decoded
 * at the edge by the source's io-ts codec (row at a time: a codec is
 * JavaScript); records that are not JSON objects or that the codec rejects
 * go to the dead letters with their offset and reason, exactly as on the
 * DirectRunner. The accepted elements become field columns plus the
 * runner's arrival, origin, clock-id and time columns.
 *
 * A table row whose `validFrom` is not a finite number is a dead letter of
 * the table (§2), reported once however many lookups read it.
 *
 * Arrival order: the DirectRunner reads tables first, then sources round
 * robin, a run of {@link DIRECT_TURN} records from each in turn. Record `r`
 * (0-based, dead letters included) of the source at position `p` of `S`
 * therefore arrives at rank `⌊r / T⌋·S·T + p·T + r mod T`, which is what
 * `_i` holds. No rule of the contract depends on how sources interleave
 * (§2); matching the DirectRunner's interleaving anyway keeps even
 * order-sensitive cases outside the parity conditions (§14) identical.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { RawRecord } from "../../src/engine/topology.ts";
import type { DeadLetter, StageMetrics } from "../../src/engine/operator.ts";
import type { SourceNode, TableNode } from "../../src/plan/ir.ts";
import { makeDecoder } from "../../src/schema/decode.ts";
import { admit } from "../../src/engine/edge.ts";
import { clockIdOf } from "../../src/engine/clock-id.ts";
import type { DeadLetterBody } from "../../src/engine/edge.ts";
import { SOURCE_TURN } from "../../src/run/inputs.ts";
import { fromSchema } from "../../src/schema/from-schema.ts";
import { recordsOf } from "../../src/run/inputs.ts";
import type { InputSource } from "../../src/run/inputs.ts";
import type { InputMeter } from "../../src/run/progress.ts";
import { COL, tableOf } from "./columns.ts";
import { columnsOfValues } from "./rows.ts";

/** Where reading reports to. */
export interface ReadContext {
  deadLetter(d: DeadLetter): void;
  metrics(stage: string): StageMetrics;
  /** The progress meter of an input (see `src/run/progress.ts`), if a bar is drawn. */
  meter(name: string): InputMeter | undefined;
}

/** Records a bounded run takes from one source before turning to the next (shared with the DirectRunner). */
export const DIRECT_TURN = SOURCE_TURN;

/** The arrival rank of record `r` of the source at `position` of `sources`. */
export const arrivalRank = (r: number, position: number, sources: number): number =>
  Math.floor(r / DIRECT_TURN) * sources * DIRECT_TURN + position * DIRECT_TURN + (r % DIRECT_TURN);

/**
 * Reads and decodes one source or table.
 *
 * @param position  the source's position among the plan's sources (0 for tables)
 * @param sources   how many sources the plan has (1 for tables)
 * @returns the accepted elements as a table, in file order
 */
export const readInput = async (
  node: SourceNode | TableNode,
  input: InputSource,
  position: number,
  sources: number,
  ctx: ReadContext,
): Promise<ColumnTable> => {
  const decode = makeDecoder(fromSchema(node.schema));
  const clockId = clockIdOf(node);
  const m = ctx.metrics(node.id);
  const values: unknown[] = [];
  const ranks: number[] = [];
  const offsets: number[] = [];
  const partitions: (number | undefined)[] = [];
  let partitioned = false;
  let r = 0;
  const dead = (rec: RawRecord, reason: string, extra: DeadLetterBody): void => {
    m.deadLetters++;
    ctx.deadLetter({
      source: node.id,
      offset: rec.offset,
      ...(rec.partition === undefined ? {} : { partition: rec.partition }),
      stage: node.id,
      reason,
      ...extra,
    });
  };
  const take = (rec: RawRecord): void => {
    const rank = arrivalRank(r++, position, sources);
    m.in++;
    const a = admit(node, rec, decode);
    if (!a.ok) return dead(rec, a.reason, a.body);
    m.out++;
    values.push(a.value);
    ranks.push(rank);
    offsets.push(rec.offset);
    partitions.push(rec.partition);
    if (rec.partition !== undefined) partitioned = true;
  };
  const records = recordsOf(input, node.schema, ctx.meter(node.id));
  // An in-memory input is read synchronously: `for await` would cost a microtask per record.
  if (Symbol.asyncIterator in records) for await (const rec of records as AsyncIterable<RawRecord>) take(rec);
  else for (const rec of records as Iterable<RawRecord>) take(rec);
  const n = values.length;
  return tableOf({
    ...columnsOfValues(values),
    [COL.i]: ranks,
    [COL.j]: new Array<number>(n).fill(0),
    [COL.src]: new Array<string>(n).fill(node.id),
    [COL.off]: offsets,
    ...(partitioned ? { [COL.part]: partitions } : {}),
    [COL.sk]: values.map((v) => clockId(v as Readonly<Record<string, unknown>>)),
    [COL.t]: new Array<number>(n).fill(0),
    [COL.c]: new Array<number>(n).fill(-Infinity),
  });
};
