/**
 * Dead letters and late elements from rows of a table: the side outputs,
 * built row by row because each one is a record for a person to read.
 *
 * @module
 */
import type { ColumnTable } from "arquero";
import type { LateElement } from "../../src/engine/operator.ts";
import { COL, valuesOf } from "./columns.ts";
import { elementsOf } from "./rows.ts";
import type { Runtime } from "./step.ts";

/** Where a row came from: source (or stage), offset and, on Kafka, partition. */
export interface RowOrigin {
  readonly source: string;
  readonly offset: number;
  readonly partition?: number;
}

/** A function giving where row `r` of `table` came from. */
export const originOf = (table: ColumnTable): ((r: number) => RowOrigin) => {
  const src = valuesOf(table, COL.src) as string[];
  const off = valuesOf(table, COL.off) as number[];
  const part = table.columnNames().includes(COL.part) ? (valuesOf(table, COL.part) as (number | undefined)[]) : undefined;
  return (r) => {
    const p = part?.[r];
    return p === undefined ? { source: src[r]!, offset: off[r]! } : { source: src[r]!, offset: off[r]!, partition: p };
  };
};

/** Sends every row of `table` to the dead letters of `stage`, with `reason(row)`. */
export const deadLetterRows = (table: ColumnTable, stage: string, rt: Runtime, reason: (row: number) => string): void => {
  const n = table.numRows();
  if (n === 0) return;
  const values = elementsOf(table);
  const origin = originOf(table);
  for (let r = 0; r < n; r++) rt.deadLetter({ ...origin(r), stage, reason: reason(r), value: values[r] });
  rt.metrics(stage).deadLetters += n;
};

/** What a late row was judged on. */
export interface LateFacts {
  readonly windowStart: number | null;
  readonly windowEnd: number | null;
  readonly reason: string;
  /** The clock reported (the element's source clock). */
  readonly clock: number;
}

/**
 * Reports rows `rows` of `source` (the stage's input) as late at `stage`;
 * `facts(i)` gives what the `i`-th of them was judged on.
 */
export const lateRows = (source: ColumnTable, rows: readonly number[], stage: string, rt: Runtime, facts: (i: number) => LateFacts): void => {
  if (rows.length === 0) return;
  const values = elementsOf(source, rows);
  const origin = originOf(source);
  const t = valuesOf(source, COL.t) as number[];
  rows.forEach((r, i) => {
    const f = facts(i);
    const o = origin(r);
    const l: LateElement = {
      stage,
      source: o.source,
      offset: o.offset,
      value: values[i],
      eventTime: t[r]!,
      clock: f.clock,
      windowStart: f.windowStart,
      windowEnd: f.windowEnd,
      reason: f.reason,
    };
    rt.late(l);
  });
  rt.metrics(stage).late += rows.length;
};
