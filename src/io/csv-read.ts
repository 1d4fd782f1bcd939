/**
 * CSV records from lines: joins the lines of quoted fields that span line
 * breaks, applies the header, and turns malformed records into error
 * records instead of stopping.
 *
 * @module
 */
import { RunError } from "../core/errors.ts";
import { parseCsvRecord } from "./csv.ts";
import type { InputRecord } from "./records.ts";

const stripCr = (s: string): string => (s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s);

/**
 * CSV records in batches. The first record is the header; values are
 * strings, an empty unquoted field is `null`. Offsets are the 1-based line
 * on which a record starts. Empty lines are skipped, except in a one-column
 * file, where an empty line is a `null` value (that is how one is written).
 *
 * @throws RunError when the header is malformed or repeats a column name
 */
export async function* csvRecordBatches(lines: AsyncIterable<string[]>, where: string): AsyncGenerator<InputRecord[]> {
  let header: string[] | undefined;
  let lineNo = 0;
  let open: string | undefined; // text of a record whose quoted field continues on the next line
  let start = 0;
  for await (const batch of lines) {
    const out: InputRecord[] = [];
    for (const line of batch) {
      lineNo++;
      let text: string;
      if (open !== undefined) {
        open += "\n" + line;
        if (!line.includes('"')) continue; // no quote: the field cannot have closed
        text = open;
      } else {
        if (line.length === 0 || line === "\r") {
          if (header?.length === 1) out.push({ offset: lineNo, value: Object.fromEntries([[header[0]!, null]]) });
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
