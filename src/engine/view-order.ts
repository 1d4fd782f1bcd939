/**
 * The order of a final view (docs/semantics.md §11), in the two forms its
 * backends need: a comparator for the view in memory, and an order-preserving
 * byte key for the view in LMDB, whose keys sort by `memcmp`. The two are one
 * rule written twice side by side, and test/engine/view-order.test.ts checks
 * that they agree on generated values.
 *
 * The rule: keyed rows first, by pane key values in lockstep's value order
 * (src/core/order.ts), then by canonical JSON; then rows without a pane key,
 * by canonical JSON. Strings compare by UTF-16 code unit.
 *
 * Why not UTF-8 bytes for strings: UTF-8 byte order is code point order,
 * which differs from UTF-16 code unit order exactly where an astral character
 * (surrogates D800–DFFF) meets one in E000–FFFF, and UTF-8 cannot carry a
 * lone surrogate. Here every code unit `c` is written alone as the UTF-8
 * form of `c + 1` (1–3 bytes, 4 for FFFF): order-preserving per unit,
 * surrogates included, and never the byte 0, which ends a string — so a
 * string sorts before every longer string it begins.
 *
 * @module
 */
import { canonicalJson, compareStrings } from "../core/canonical.ts";
import { compareValues } from "../core/order.ts";

/** One row as the comparator sees it: pane key values (undefined: no pane key) and canonical JSON. */
export interface ViewRowOrder {
  readonly pkv: readonly unknown[] | undefined;
  readonly json: string;
}

/** The final view's order in memory: keyed rows by pane key values then JSON, then unkeyed rows by JSON. */
export const compareViewRows = (a: ViewRowOrder, b: ViewRowOrder): number => {
  if (a.pkv === undefined || b.pkv === undefined) {
    if (a.pkv !== b.pkv) return a.pkv === undefined ? 1 : -1;
    return compareStrings(a.json, b.json);
  }
  return compareValues(a.pkv, b.pkv) || compareStrings(a.json, b.json);
};

// Section bytes: keyed rows before unkeyed ones.
const KEYED = 0x01;
const UNKEYED = 0x02;
// Ends a string and an array: below every tag and every byte of a string's body.
const END = 0x00;
// Type tags in value order (src/core/order.ts: null < booleans < numbers < strings < arrays < objects).
const NULL = 0x10;
const FALSE = 0x20;
const TRUE = 0x21;
const NUMBER = 0x30;
const STRING = 0x40;
const ARRAY = 0x50;
const OBJECT = 0x60;

/** A growable byte buffer. */
class Bytes {
  buf = Buffer.allocUnsafe(256);
  n = 0;
  room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + k));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }
  byte(b: number): void {
    this.room(1);
    this.buf[this.n++] = b;
  }
  /** A string's code units, each as the UTF-8 form of `unit + 1`, then {@link END}. */
  string(s: string): void {
    this.room(s.length * 4 + 1);
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < s.length; i++) {
      const v = s.charCodeAt(i) + 1;
      if (v < 0x80) buf[n++] = v;
      else if (v < 0x800) {
        buf[n++] = 0xc0 | (v >> 6);
        buf[n++] = 0x80 | (v & 0x3f);
      } else if (v < 0x10000) {
        buf[n++] = 0xe0 | (v >> 12);
        buf[n++] = 0x80 | ((v >> 6) & 0x3f);
        buf[n++] = 0x80 | (v & 0x3f);
      } else {
        // Only 0xFFFF + 1: four bytes, as UTF-8 writes U+10000.
        buf[n++] = 0xf0;
        buf[n++] = 0x90;
        buf[n++] = 0x80;
        buf[n++] = 0x80;
      }
    }
    this.n = n;
    this.byte(END);
  }
  /** A number as 8 bytes sorting numerically: -0 as 0, NaN below every number (as compareValues has it). */
  number(x: number): void {
    this.room(8);
    if (Number.isNaN(x)) {
      this.buf.fill(0, this.n, this.n + 8);
    } else {
      this.buf.writeDoubleBE(x === 0 ? 0 : x, this.n);
      // Negative: flip every bit (larger magnitude sorts first); positive: flip the sign bit.
      if (this.buf[this.n]! & 0x80) for (let i = 0; i < 8; i++) this.buf[this.n + i] = ~this.buf[this.n + i]! & 0xff;
      else this.buf[this.n]! |= 0x80;
    }
    this.n += 8;
  }
  /** A JSON value in value order; arrays with an explicit stack (any depth, as compareValues). */
  value(v: unknown): void {
    const todo: unknown[] = [v];
    const ARRAY_END = todo; // a sentinel no value is
    while (todo.length > 0) {
      const x = todo.pop();
      if (x === ARRAY_END) this.byte(END);
      else if (x === null || x === undefined) this.byte(NULL);
      else if (typeof x === "boolean") this.byte(x ? TRUE : FALSE);
      else if (typeof x === "number") {
        this.byte(NUMBER);
        this.number(x);
      } else if (typeof x === "string") {
        this.byte(STRING);
        this.string(x);
      } else if (Array.isArray(x)) {
        this.byte(ARRAY);
        todo.push(ARRAY_END);
        for (let i = x.length - 1; i >= 0; i--) todo.push(x[i]);
      } else {
        // Objects (and anything else compareValues ranks with them) compare by canonical JSON.
        this.byte(OBJECT);
        this.string(canonicalJson(x));
      }
    }
  }
}

/**
 * The byte key of a row in the final view's order: `memcmp` of two keys orders
 * them as {@link compareViewRows} orders the rows, and a key never begins
 * another (each part is terminated), so anything appended after it — a
 * tiebreak — keeps that order.
 */
export const viewOrderKey = (row: ViewRowOrder): Buffer => {
  const b = new Bytes();
  if (row.pkv === undefined) b.byte(UNKEYED);
  else {
    b.byte(KEYED);
    // The pane key values as one array: compareValues(a.pkv, b.pkv) compares arrays.
    b.value(row.pkv);
  }
  b.string(row.json);
  return b.buf.subarray(0, b.n);
};
