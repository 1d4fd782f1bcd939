/**
 * CSV text (RFC 4180): parsing one record's text into fields, and writing
 * rows. Written small on purpose; the reader that feeds it lines is
 * `csv-read.ts`.
 *
 * Conventions, chosen so that writing then reading loses nothing but types:
 * - an empty unquoted field is `null`, a quoted empty field `""` is the empty string;
 * - fields are quoted only when needed (comma, quote, CR, LF, or empty string);
 * - lines end with `\n` (readers accept `\r\n` too).
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import { columnNames } from "./columns.ts";

/** The fields of one record; `open` when the text ends inside a quoted field (more lines belong to it). */
export type CsvParse = { readonly fields: (string | null)[] } | { readonly open: true } | { readonly error: string };

const QUOTE = 34;
const COMMA = 44;
const OPEN: CsvParse = { open: true };

/** Parses the text of one record (its line break(s) inside quotes included, its final line break not). */
export const parseCsvRecord = (text: string): CsvParse => {
  const fields: (string | null)[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = "";
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) return OPEN;
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) !== QUOTE) {
          i = q + 1;
          break;
        }
        value += '"'; // "" inside quotes is one quote
        from = q + 2;
      }
      fields.push(value);
      if (i === n) return { fields };
      if (text.charCodeAt(i) !== COMMA) {
        return {
          error: `unexpected ${JSON.stringify(text[i])} after the closing quote of field ${fields.length}; put the whole field in quotes and double any quote inside it`,
        };
      }
      i++;
    } else {
      const comma = text.indexOf(",", i);
      const end = comma === -1 ? n : comma;
      const value = text.slice(i, end);
      if (value.includes('"')) {
        return { error: `a quote inside unquoted field ${fields.length + 1}; put the whole field in quotes and double the quote` };
      }
      fields.push(value === "" ? null : value);
      if (comma === -1) return { fields };
      i = comma + 1;
    }
  }
};

const NEEDS_QUOTES = /[",\r\n]/;

/** One field as CSV text: quoted when it holds a comma, quote, CR or LF, or is empty (so it is not read as null). */
export const csvField = (s: string): string => (s === "" || NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** A value as a CSV cell: null/undefined empty, strings as is, numbers and booleans as JSON, objects and arrays as canonical JSON. */
export const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return csvField(v);
  return csvField(canonicalJson(v));
};

const CHUNK_CHARS = 1 << 20;

/** CSV text for `rows` in chunks of about 1 MiB: a header of the sorted union of keys, then one line per row; nothing for zero rows. */
export function* csvChunks(rows: Iterable<unknown>, where: string): Generator<string> {
  const names = columnNames(rows, where);
  if (names.length === 0) return;
  const header = names.map(csvField);
  // Readers drop a byte-order mark at the start of a file: quote a first name that begins with one.
  if (header[0]!.charCodeAt(0) === 0xfeff) header[0] = `"${header[0]}"`;
  let buf = header.join(",") + "\n";
  for (const row of rows as Iterable<Record<string, unknown>>) {
    let line = "";
    for (let i = 0; i < names.length; i++) {
      if (i > 0) line += ",";
      const name = names[i]!;
      line += csvCell(Object.hasOwn(row, name) ? row[name] : undefined); // a missing "constructor" is not Object
    }
    buf += line + "\n";
    if (buf.length >= CHUNK_CHARS) {
      yield buf;
      buf = "";
    }
  }
  if (buf.length > 0) yield buf;
}
