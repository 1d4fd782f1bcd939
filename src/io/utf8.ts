/**
 * Input bytes that are not UTF-8. Decoding them with replacement characters
 * would silently turn different byte strings into one text (one key), so a
 * record that is not valid UTF-8 is a dead letter carrying its exact bytes
 * (docs/semantics.md §2).
 *
 * @module
 */
import { isUtf8 } from "node:buffer";
import { base64Of } from "./base64.ts";
import type { ErrorRecord } from "./records.ts";

/**
 * True where Node's Buffer exists. The Flink runner's edge runs this module in GraalJS too
 * (runners/flink/js/functions.ts), which has neither Buffer nor TextDecoder: there the checks and
 * decoding below run in plain JavaScript, with the same results (test/io/utf8.test.ts).
 */
const NODE = typeof (globalThis as { Buffer?: unknown }).Buffer === "function";

/** True when `bytes` are valid UTF-8 (native check, no allocation, in Node). */
export const validUtf8 = (bytes: Uint8Array): boolean => (NODE ? isUtf8(bytes) : firstInvalidUtf8(bytes) < 0);

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
 * `bytes` decoded as UTF-8 with U+FFFD for each maximal invalid subpart, as WHATWG's decoder (and
 * Node's `toString("utf8")`) does; exact for valid UTF-8. Plain JavaScript, for where there is no
 * Buffer or TextDecoder (GraalJS).
 */
export const utf8Decode = (b: Uint8Array): string => (NODE ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8") : portableUtf8Decode(b));

/** {@link utf8Decode} in plain JavaScript (what GraalJS runs; tested against Node's decoder). */
export const portableUtf8Decode = (b: Uint8Array): string => {
  let out = "";
  let chunk: number[] = [];
  const push = (cp: number) => {
    chunk.push(cp);
    if (chunk.length >= 4096) (out += String.fromCodePoint(...chunk)), (chunk = []);
  };
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      push(c);
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    let cp: number;
    if (c >= 0xc2 && c <= 0xdf) (n = 1), (cp = c & 0x1f);
    else if (c >= 0xe0 && c <= 0xef) {
      (n = 2), (cp = c & 0x0f);
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      (n = 3), (cp = c & 0x07);
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else {
      push(0xfffd);
      i++;
      continue;
    }
    // The lead and the continuation bytes in range so far are one maximal subpart: one U+FFFD when it breaks off.
    let k = 1;
    for (; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) break;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (k <= n) {
      push(0xfffd);
      i += k;
    } else {
      push(cp);
      i += n + 1;
    }
  }
  return chunk.length > 0 ? out + String.fromCodePoint(...chunk) : out;
};

/**
 * The error record for a record whose bytes are not UTF-8: the reason names
 * the first bad byte; `raw` is a readable rendering (U+FFFD for bad bytes)
 * and `rawBase64` the exact bytes.
 */
export const invalidUtf8Record = (bytes: Uint8Array, offset: number): ErrorRecord => {
  const at = firstInvalidUtf8(bytes);
  const hex = at < 0 ? "" : ` (byte 0x${bytes[at]!.toString(16).padStart(2, "0").toUpperCase()} at byte ${at + 1})`;
  return { offset, error: `invalid UTF-8${hex}: the record's bytes are kept in rawBase64`, raw: utf8Decode(bytes), rawBase64: base64Of(bytes) };
};
