/**
 * What reading a record file yields. Malformed input is never dropped: it
 * becomes an error record carrying its position and raw text, so it can go
 * to a dead-letter output.
 *
 * @module
 */

/** A record that was read and parsed. */
export interface ValueRecord {
  /** 1-based line number (JSONL, CSV: the line the record starts on) or row number (Arrow, Parquet). */
  readonly offset: number;
  readonly value: unknown;
  readonly error?: undefined;
  readonly raw?: undefined;
  readonly rawBase64?: undefined;
}

/** A record that could not be parsed. */
export interface ErrorRecord {
  /** 1-based line number (JSONL, CSV: the line the record starts on) or row number (Arrow, Parquet). */
  readonly offset: number;
  readonly value?: undefined;
  /** What is wrong, e.g. `invalid JSON: Unexpected token…`. */
  readonly error: string;
  /** The input text of the record, when there is one. */
  readonly raw?: string;
  /** The exact bytes (base64) when they are not UTF-8 text (then `raw` is only a readable rendering). */
  readonly rawBase64?: string;
}

/** One record read from an input: exactly one of `value` and `error` is set. */
export type InputRecord = ValueRecord | ErrorRecord;
