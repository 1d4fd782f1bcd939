/**
 * Run inputs: a file path, in-memory values, or records, read in arrival order.
 *
 * @module
 */
import type { RawRecord } from "../engine/topology.ts";
import { readRecords } from "../io/read.ts";
import type { SchemaJson } from "../schema/json-schema.ts";

/** An input: a file path, in-memory values, or records. */
export type InputSource = string | readonly unknown[] | AsyncIterable<RawRecord> | Iterable<RawRecord>;

const isAsyncIterable = (x: unknown): x is AsyncIterable<RawRecord> => typeof (x as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === "function";

/** The records of an input, whatever its form. */
export const recordsOf = (src: InputSource, schema?: SchemaJson): AsyncIterable<RawRecord> | Iterable<RawRecord> => {
  // The schema lets CSV readers turn text cells into numbers and booleans before decoding.
  if (typeof src === "string") return readRecords(src, schema ? { schema } : {});
  if (Array.isArray(src)) return (src as unknown[]).map((value, i) => ({ offset: i + 1, value }));
  return src as AsyncIterable<RawRecord> | Iterable<RawRecord>;
};

/** An iterator over an input's records. */
export const iteratorOf = (src: InputSource, schema: SchemaJson): AsyncIterator<RawRecord> | Iterator<RawRecord> => {
  const r = recordsOf(src, schema);
  return isAsyncIterable(r) ? r[Symbol.asyncIterator]() : (r as Iterable<RawRecord>)[Symbol.iterator]();
};


/**
 * Records a bounded run takes from one source before turning to the next
 * (round robin by runs, not single records). docs/semantics.md §2: apart from
 * the §14 conditions no rule depends on how sources interleave; runners that
 * reproduce an arrival order across sources use this one constant.
 */
export const SOURCE_TURN = 256;
