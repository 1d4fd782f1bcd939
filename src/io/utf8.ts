/**
 * Input bytes that are not UTF-8. Decoding them with replacement characters
 * would silently turn different byte strings into one text (one key), so a
 * record that is not valid UTF-8 is a dead letter carrying its exact bytes
 * (docs/semantics.md §2).
 *
 * @module
 */
import { isUtf8 } from "node:buffer";
import type { ErrorRecord } from "./records.ts";

/** True when `bytes` are valid UTF-8 (native check, no allocation). */
export const validUtf8 = (bytes: Uint8Array): boolean => isUtf8(bytes);

/**
 * Index of the first byte that does not belong to a valid UTF-8 sequence
 * (overlong forms, surrogates and code points past U+10FFFF are invalid, as
 * in WHATWG's decoder), or -1.
 */
export const firstInvalidUtf8 = (b: Uint8Array): number => {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return -1;
};

/**
 * The error record for a record whose bytes are not UTF-8: the reason names
 * the first bad byte; `raw` is a readable rendering (U+FFFD for bad bytes)
 * and `rawBase64` the exact bytes.
 */
export const invalidUtf8Record = (bytes: Uint8Array, offset: number): ErrorRecord => {
  const at = firstInvalidUtf8(bytes);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hex = at < 0 ? "" : ` (byte 0x${buf[at]!.toString(16).padStart(2, "0").toUpperCase()} at byte ${at + 1})`;
  return { offset, error: `invalid UTF-8${hex}: the record's bytes are kept in rawBase64`, raw: buf.toString("utf8"), rawBase64: buf.toString("base64") };
};
