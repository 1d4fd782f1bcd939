/**
 * Splitting a byte stream into lines without loading it whole.
 *
 * Measured on a 1M-line, 87 MB JSONL file (Node 20, median of 5): reading
 * records this way took 2.2 s against 2.7 s through `node:readline`, which
 * pays an event and a queue step per line. Most of the rest is JSON.parse.
 *
 * Lines are split on bytes and checked as UTF-8 (natively, a whole chunk at a
 * time): a line that is not valid UTF-8 is yielded as its bytes, never
 * decoded with replacement characters, so it cannot silently become another
 * line's text (docs/semantics.md §2).
 *
 * @module
 */
import type { Readable } from "node:stream";
import { validUtf8 } from "./utf8.ts";

/** A line whose bytes are not valid UTF-8. */
export interface InvalidLine {
  readonly invalid: Buffer;
}

/** A line: its text, or its bytes when they are not UTF-8. */
export type Line = string | InvalidLine;

const NL = 0x0a;

/** The lines of `bytes` (no `\n` at its end), checked as UTF-8. */
const linesOf = (bytes: Buffer): Line[] => {
  if (validUtf8(bytes)) return bytes.toString("utf8").split("\n");
  const out: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(NL, start);
    const line = bytes.subarray(start, nl === -1 ? bytes.length : nl);
    out.push(validUtf8(line) ? line.toString("utf8") : { invalid: Buffer.from(line) });
    if (nl === -1) return out;
    start = nl + 1;
  }
};

/**
 * The lines of `input`, in batches (one per chunk read). Lines come without
 * their `\n`; a `\r` before it is kept, because CSV needs it inside quoted
 * fields (JSONL strips it). A UTF-8 byte-order mark at the start is dropped.
 * A last line without `\n` is still yielded; an empty last line is not.
 */
export async function* readLineBatches(input: Readable): AsyncGenerator<Line[]> {
  let pending: Buffer[] = []; // the start of a line longer than what was read so far
  let first = true;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    if (first) {
      if (pending.length > 0) (bytes = Buffer.concat([...pending, bytes])), (pending = []);
      if (bytes.length < 3) {
        pending.push(bytes); // too short to tell a byte-order mark yet
        continue;
      }
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    const last = bytes.lastIndexOf(NL);
    if (last === -1) {
      if (bytes.length > 0) pending.push(bytes);
      continue;
    }
    const head = pending.length > 0 ? Buffer.concat([...pending, bytes.subarray(0, last)]) : bytes.subarray(0, last);
    pending = last + 1 < bytes.length ? [bytes.subarray(last + 1)] : [];
    yield linesOf(head);
  }
  if (pending.length > 0) yield linesOf(Buffer.concat(pending));
}
