/**
 * Beam's `StringsGenerator`: the random names, descriptions and `extra` padding of Nexmark events,
 * drawn as bytes straight into the JSON line being written (every character is ASCII), so a generator
 * making millions of events builds no intermediate strings. Each function writes at `pos` and returns
 * the position after what it wrote; the caller has reserved the room (draw.ts: `lineBytesBound`).
 * Character arithmetic follows Java: `'a' + rnd % 26` with a signed remainder can fall below `'a'`
 * (down to `'H'`, and through `[\]^_\``), and those characters are part of Beam's output.
 *
 * @module
 */
import type { JavaRandom } from "./java-random.ts";

const A = 97; // 'a'
const SPACE = 32;
const BACKSLASH = 92;

/**
 * Fixed ASCII text as little-endian 32-bit words for {@link putFixed}: element 0 is the byte length,
 * the words follow (the last one padded with zeros).
 */
export function fixedText(text: string): Int32Array {
  const bytes = Buffer.from(text, "latin1");
  const fixed = new Int32Array(1 + Math.ceil(bytes.length / 4));
  fixed[0] = bytes.length;
  for (let i = 0; i < bytes.length; i++) fixed[1 + (i >> 2)] = (fixed[1 + (i >> 2)] as number) | ((bytes[i] as number) << (8 * (i & 3)));
  return fixed;
}

/**
 * Writes {@link fixedText} a word at a time, several times cheaper than a byte at a time. The last
 * word may write up to 3 bytes past the text; they are overwritten by what follows, and the room the
 * caller reserves covers them.
 */
export function putFixed(view: DataView, pos: number, fixed: Int32Array): number {
  const words = fixed.length;
  for (let k = 1; k < words; k++) view.setInt32(pos + 4 * (k - 1), fixed[k] as number, true);
  return pos + (fixed[0] as number);
}

const DIGITS = new Uint8Array(24);

/** Makes `fixed` (room for 20 digits: 6 elements) the {@link fixedText} of the decimal digits of `n`. */
export function setFixedDigits(fixed: Int32Array, n: number): void {
  const len = putUint(DIGITS, 0, n);
  fixed.fill(0);
  fixed[0] = len;
  for (let i = 0; i < len; i++) fixed[1 + (i >> 2)] = (fixed[1 + (i >> 2)] as number) | ((DIGITS[i] as number) << (8 * (i & 3)));
}

/** Writes fixed ASCII bytes (a name, a city). */
export function putBytes(out: Uint8Array, pos: number, text: Uint8Array): number {
  for (let i = 0; i < text.length; i++) out[pos++] = text[i] as number;
  return pos;
}

/** Writes `n` (0 ≤ n < 10000) as four digits with leading zeros. */
export function putPad4(out: Uint8Array, pos: number, n: number): number {
  out[pos] = 48 + ((n / 1000) | 0);
  out[pos + 1] = 48 + (((n / 100) | 0) % 10);
  out[pos + 2] = 48 + (((n / 10) | 0) % 10);
  out[pos + 3] = 48 + (n % 10);
  return pos + 4;
}

/** Writes a non-negative safe integer in decimal, as `JSON.stringify` does. */
export function putUint(out: Uint8Array, pos: number, n: number): number {
  if (n >= 1e9) {
    // Split so that each part fits 32-bit integer arithmetic (epoch ms are past 2^31).
    const high = Math.floor(n / 1e9);
    pos = putUint(out, pos, high);
    let low = (n - high * 1e9) | 0; // < 10^9: an int, so % and / stay integer operations
    for (let p = pos + 8; p >= pos; p--) {
      out[p] = 48 + (low % 10);
      low = (low / 10) | 0;
    }
    return pos + 9;
  }
  let digits = 1;
  for (let m = 10; m <= n; m *= 10) digits++;
  for (let p = pos + digits - 1; p >= pos; p--) {
    out[p] = 48 + (n % 10);
    n = (n / 10) | 0;
  }
  return pos + digits;
}

/**
 * Writes a string of 3 … maxLength − 1 letters and spaces, trimmed (`nextString`). Java's trim()
 * drops code points ≤ U+0020, here only the space: leading spaces are never written and trailing
 * ones cut off, while every character is still drawn. Letters and spaces need no JSON escaping.
 */
export function putString(random: JavaRandom, out: Uint8Array, pos: number, maxLength: number): number {
  const len = 3 + random.nextIntBelow(maxLength - 3);
  const start = pos;
  let end = pos;
  for (let i = 0; i < len; i++) {
    if (random.nextIntBelow(13) === 0) {
      if (pos !== start) out[pos++] = SPACE;
    } else {
      out[pos++] = A + random.nextIntBelow(26);
      end = pos;
    }
  }
  return end;
}

/** 26^2: two characters' worth of one random int. */
const PAIR = 676;
/**
 * The two characters Java's loop makes from a signed remainder `t` (−PAIR < t < PAIR), at
 * `t + PAIR − 1`, as a little-endian 16-bit value, or −1 when one of them is the backslash (that
 * rare int takes the escaping path). 5 KB: it stays in the first-level cache, where a table of
 * triples (140 KB) did not.
 */
const PAIRS = (() => {
  const table = new Int32Array(2 * PAIR - 1);
  for (let t = -(PAIR - 1); t < PAIR; t++) {
    const first = A + (t % 26);
    const second = A + (((t / 26) | 0) % 26);
    table[t + PAIR - 1] = first === BACKSLASH || second === BACKSLASH ? -1 : first | (second << 8);
  }
  return table;
})();

/** Writes the first `count` characters Java's loop makes from `rnd`, escaping a backslash. */
function putChars(out: Uint8Array, pos: number, rnd: number, count: number): number {
  for (let i = 0; i < count; i++) {
    const c = A + (rnd % 26); // JS % is Java's signed remainder
    if (c === BACKSLASH) out[pos++] = BACKSLASH;
    out[pos++] = c;
    rnd = (rnd / 26) | 0; // Java's int division truncates toward zero
  }
  return pos;
}

/**
 * Writes a string of exactly `length` characters, six per random int (`nextExactString`), JSON-escaped:
 * of its characters `'H' … 'z'` only the backslash needs it, and is written `\\`. At most `2 · length` bytes.
 *
 * Java takes `'a' + rnd % 26`, then `rnd /= 26`, six times per int. The divisions are a serial chain;
 * instead each int is cut into three base-26² parts (truncated division and remainder agree with the
 * step-by-step ones, signs included) whose characters come from a table, six bytes in two stores.
 */
export function putExactString(random: JavaRandom, out: Uint8Array, view: DataView, pos: number, length: number): number {
  const ints = Math.ceil(length / 6);
  if (INTS.length < ints) INTS = new Int32Array(ints);
  const drawn = INTS;
  random.fillInts(drawn, ints);
  const whole = Math.floor(length / 6);
  for (let j = 0; j < whole; j++) {
    const rnd = drawn[j] as number;
    // `| 0` everywhere: integer division and remainder, never the floating-point path JS takes for −0.
    const q1 = (rnd / PAIR) | 0;
    const q2 = (q1 / PAIR) | 0;
    const p0 = PAIRS[((rnd - q1 * PAIR) | 0) + PAIR - 1] as number;
    const p1 = PAIRS[((q1 - q2 * PAIR) | 0) + PAIR - 1] as number;
    const p2 = PAIRS[((q2 - ((q2 / PAIR) | 0) * PAIR) | 0) + PAIR - 1] as number;
    if ((p0 | p1 | p2) < 0) {
      pos = putChars(out, pos, rnd, 6);
    } else {
      view.setInt32(pos, p0 | (p1 << 16), true);
      view.setInt16(pos + 4, p2, true);
      pos += 6;
    }
  }
  return whole < ints ? putChars(out, pos, drawn[whole] as number, length - whole * 6) : pos;
}

/** Scratch for {@link putExactString}'s ints, grown to the longest padding seen. */
let INTS = new Int32Array(64);

/** The most characters {@link putExtra} draws for `averageSize` (`wanted − delta + 2·delta − 1`). */
export function maxExtraLength(averageSize: number): number {
  return averageSize + Math.round(averageSize * 0.2);
}

/** Writes padding so that `currentSize` plus its length averages `averageSize` (`nextExtra`), escaped as {@link putExactString}. */
export function putExtra(random: JavaRandom, out: Uint8Array, view: DataView, pos: number, currentSize: number, averageSize: number): number {
  if (currentSize > averageSize) return pos;
  const wanted = averageSize - currentSize;
  const delta = Math.round(wanted * 0.2); // Java's Math.round: nearest, ties up — the same rule
  const size = wanted - delta + (delta === 0 ? 0 : random.nextIntBelow(2 * delta));
  return putExactString(random, out, view, pos, size);
}
