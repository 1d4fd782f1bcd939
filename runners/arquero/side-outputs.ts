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

/** Where each row of `table` came from: source (or stage), offset and, on Kafka, partition. */
export const originsOf = (table: ColumnTable): { source: string; offset: number; partition?: number }[] => {
  const src = valuesOf(table, COL.src) as string[];
  const off = valuesOf(table, COL.off) as number[];
  const part = table.columnNames().includes(COL.part) ? (valuesOf(table, COL.part) as (number | undefined)[]) : undefined;
  return src.map((source, r) => {
    const p = part?.[r];
    return p === undefined ? { source, offset: off[r]! } : { source, offset: off[r]!, partition: p };
  });
};

/** Sends every row of `table` to the dead letters of `stage`, with `reason(row)`. */
export const deadLetterRows = (table: ColumnTable, stage: string, rt: Runtime, reason: (row: number) => string): void => {
  const n = table.numRows();
  if (n === 0) return;
  const values = elementsOf(table);
  const origins = originsOf(table);
  for (let r = 0; r < n; r++) rt.deadLetter({ ...origins[r]!, stage, reason: reason(r), value: values[r] });
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

/** Reports every row of `table` as late at `stage`, with the facts of `facts(row)`. */
export const lateRows = (table: ColumnTable, stage: string, rt: Runtime, facts: (row: number) => LateFacts): void => {
  const n = table.numRows();
  if (n === 0) return;
  const values = elementsOf(table);
  const origins = originsOf(table);
  const t = valuesOf(table, COL.t) as number[];
  for (let r = 0; r < n; r++) {
    const f = facts(r);
    const l: LateElement = {
      stage,
      source: origins[r]!.source,
      offset: origins[r]!.offset,
      value: values[r],
      eventTime: t[r]!,
      clock: f.clock,
      windowStart: f.windowStart,
      windowEnd: f.windowEnd,
      reason: f.reason,
    };
    rt.late(l);
  }
  rt.metrics(stage).late += n;
};
