/**
 * Run inputs: a file path, in-memory values, or records, read in arrival order.
 *
 * @module
 */
import type { RawRecord } from "../engine/topology.ts";
import { readRecords } from "../io/read.ts";
import type { SchemaJson } from "../schema/json-schema.ts";
import type { InputMeter } from "./progress.ts";

/** An input: a file path, in-memory values, or records. */
export type InputSource = string | readonly unknown[] | AsyncIterable<RawRecord> | Iterable<RawRecord>;

const isAsyncIterable = (x: unknown): x is AsyncIterable<RawRecord> => typeof (x as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === "function";

const METER_EVERY = 4096;

/** `records`, telling `meter` every few thousand records and at the end (in-memory and record inputs: no byte position). */
function* metered(records: Iterable<RawRecord>, meter: InputMeter): Generator<RawRecord> {
  let n = 0;
  for (const r of records) {
    yield r;
    if (++n === METER_EVERY) meter.read(n), (n = 0);
  }
  if (n > 0) meter.read(n);
}

async function* meteredAsync(records: AsyncIterable<RawRecord>, meter: InputMeter): AsyncGenerator<RawRecord> {
  let n = 0;
  for await (const r of records) {
    yield r;
    if (++n === METER_EVERY) meter.read(n), (n = 0);
  }
  if (n > 0) meter.read(n);
}

/**
 * The values of an array as records (offset = index + 1), made as they are read: made all at once,
 * millions of them would outlive the young generation and every collection would copy them.
 */
const arrayRecords = (values: readonly unknown[]): Iterable<RawRecord> => ({
  [Symbol.iterator]: (): Iterator<RawRecord> => {
    let i = 0;
    return {
      next: (): IteratorResult<RawRecord> => {
        if (i >= values.length) return { done: true, value: undefined };
        const r = { offset: i + 1, value: values[i] };
        i++;
        return { done: false, value: r };
      },
    };
  },
});

/**
 * The records of an input, whatever its form. A `meter` (see
 * `runProgress`) is told how many records have been read and, for files,
 * how far into the file reading is.
 */
export const recordsOf = (src: InputSource, schema?: SchemaJson, meter?: InputMeter): AsyncIterable<RawRecord> | Iterable<RawRecord> => {
  // The schema lets CSV readers turn text cells into numbers and booleans before decoding.
  if (typeof src === "string")
    return readRecords(src, { ...(schema ? { schema } : {}), ...(meter ? { onRead: (n: number, p?: number) => meter.read(n, p) } : {}) });
  const records = Array.isArray(src) ? arrayRecords(src) : (src as AsyncIterable<RawRecord> | Iterable<RawRecord>);
  if (meter === undefined) return records;
  return isAsyncIterable(records) ? meteredAsync(records, meter) : metered(records as Iterable<RawRecord>, meter);
};

/** An iterator over an input's records (see {@link recordsOf}). */
export const iteratorOf = (src: InputSource, schema: SchemaJson, meter?: InputMeter): AsyncIterator<RawRecord> | Iterator<RawRecord> => {
  const r = recordsOf(src, schema, meter);
  return isAsyncIterable(r) ? r[Symbol.asyncIterator]() : (r as Iterable<RawRecord>)[Symbol.iterator]();
};

/**
 * Records a bounded run takes from one source before turning to the next
 * (round robin by runs, not single records). docs/semantics.md §2: apart from
 * the §14 conditions no rule depends on how sources interleave; runners that
 * reproduce an arrival order across sources use this one constant.
 */
export const SOURCE_TURN = 256;
