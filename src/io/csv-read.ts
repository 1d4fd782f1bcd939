/**
 * CSV records from lines: joins the lines of quoted fields that span line
 * breaks, applies the header, and turns malformed records into error
 * records instead of stopping.
 *
 * @module
 */
import { RunError } from "../core/errors.ts";
import { parseCsvRecord } from "./csv.ts";
import { EMPTY_RECORD } from "./jsonl.ts";
import type { Line } from "./lines.ts";
import type { InputRecord } from "./records.ts";
import { invalidUtf8Record } from "./utf8.ts";

const stripCr = (s: string): string => (s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s);
const stripCrBytes = (b: Buffer): Buffer => (b[b.length - 1] === 13 ? b.subarray(0, -1) : b);

/**
 * CSV records in batches. The first record is the header; values are
 * strings, an empty unquoted field is `null`. Offsets are the 1-based line
 * on which a record starts. An empty line after the header is an error
 * record (an empty record), except in a one-column file, where it is a
 * `null` value (that is how one is written); empty lines before the header
 * are skipped. A line that is not UTF-8 is an error record with its bytes.
 *
 * @throws RunError when the header is malformed or repeats a column name
 */
export async function* csvRecordBatches(lines: AsyncIterable<Line[]>, where: string): AsyncGenerator<InputRecord[]> {
  let header: string[] | undefined;
  let lineNo = 0;
  let open: string | undefined; // text of a record whose quoted field continues on the next line
  let start = 0;
  for await (const batch of lines) {
    const out: InputRecord[] = [];
    for (const line of batch) {
      lineNo++;
      if (typeof line !== "string") {
        // Not UTF-8: a dead letter with its bytes (with the lines of a record it interrupts), never decoded lossily.
        if (header === undefined)
          throw new RunError(`${where}: the CSV header on line ${lineNo} is not valid UTF-8. Fix: save the file as UTF-8`, `read ${where}`);
        const bytes = open === undefined ? stripCrBytes(line.invalid) : Buffer.concat([Buffer.from(open + "\n", "utf8"), stripCrBytes(line.invalid)]);
        out.push(invalidUtf8Record(bytes, open === undefined ? lineNo : start));
        open = undefined;
        continue;
      }
      let text: string;
      if (open !== undefined) {
        open += "\n" + line;
        if (!line.includes('"')) continue; // no quote: the field cannot have closed
        text = open;
      } else {
        if (line.length === 0 || line === "\r") {
          // One column: an empty line is how a null value is written. Otherwise a record with no fields.
          if (header?.length === 1) out.push({ offset: lineNo, value: Object.fromEntries([[header[0]!, null]]) });
          else if (header !== undefined) out.push({ offset: lineNo, error: EMPTY_RECORD, raw: stripCr(line) });
          continue;
        }
        text = line;
        start = lineNo;
      }
      const parsed = parseCsvRecord(stripCr(text));
      if ("open" in parsed) {
        open = text;
        continue;
      }
      open = undefined;
      if (header === undefined) {
        if ("error" in parsed) throw new RunError(`${where}: invalid CSV header on line ${start}: ${parsed.error}`, `read ${where}`);
        header = checkHeader(parsed.fields, where);
        continue;
      }
      const raw = stripCr(text);
      if ("error" in parsed) out.push({ offset: start, error: `invalid CSV: ${parsed.error}`, raw });
      else if (parsed.fields.length !== header.length) {
        out.push({ offset: start, error: `invalid CSV: expected ${header.length} fields as in the header, got ${parsed.fields.length}`, raw });
      } else {
        const fields = parsed.fields;
        out.push({ offset: start, value: Object.fromEntries(header.map((h, i) => [h, fields[i]])) });
      }
    }
    if (out.length > 0) yield out;
  }
  if (open !== undefined) {
    yield [{ offset: start, error: "invalid CSV: a quoted field is still open at the end of the input; close it with a quote", raw: open }];
  }
}

const checkHeader = (fields: (string | null)[], where: string): string[] => {
  const names = fields.map((f) => f ?? "");
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) {
      throw new RunError(`${where}: the CSV header repeats the column ${JSON.stringify(n)}. Fix: give every column a distinct name`, `read ${where}`);
    }
    seen.add(n);
  }
  return names;
};
