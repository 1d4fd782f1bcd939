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

/** Writes fixed ASCII bytes (a name, a city, a piece of JSON). */
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

/** 26^3: three characters' worth of one random int. */
const TRIPLE = 17576;
/**
 * The three characters Java's loop makes from a signed remainder `t` (−TRIPLE < t < TRIPLE), at
 * `4 · (t + TRIPLE − 1)`, and in the fourth byte 1 when one of them is the backslash.
 */
const TRIPLES = (() => {
  const table = new Uint8Array(4 * (2 * TRIPLE - 1));
  for (let t = -(TRIPLE - 1); t < TRIPLE; t++) {
    const at = 4 * (t + TRIPLE - 1);
    let q = t;
    for (let k = 0; k < 3; k++) {
      table[at + k] = A + (q % 26);
      if (table[at + k] === BACKSLASH) table[at + 3] = 1;
      q = (q / 26) | 0;
    }
  }
  return table;
})();

/** Writes the three characters of remainder `t` (see {@link TRIPLES}), escaping a backslash. */
function putTriple(out: Uint8Array, pos: number, t: number): number {
  const at = 4 * (t + TRIPLE - 1);
  if (TRIPLES[at + 3] === 0) {
    out[pos] = TRIPLES[at] as number;
    out[pos + 1] = TRIPLES[at + 1] as number;
    out[pos + 2] = TRIPLES[at + 2] as number;
    return pos + 3;
  }
  for (let k = 0; k < 3; k++) {
    const c = TRIPLES[at + k] as number;
    if (c === BACKSLASH) out[pos++] = BACKSLASH;
    out[pos++] = c;
  }
  return pos;
}

/**
 * Writes a string of exactly `length` characters, six per random int (`nextExactString`), JSON-escaped:
 * of its characters `'H' … 'z'` only the backslash needs it, and is written `\\`. At most `2 · length` bytes.
 *
 * Java takes `'a' + rnd % 26`, then `rnd /= 26`, six times per int. The divisions are a serial chain;
 * instead each int is cut once into two base-26³ parts (truncated division and remainder agree with
 * the step-by-step ones, signs included) whose characters come from a table.
 */
export function putExactString(random: JavaRandom, out: Uint8Array, pos: number, length: number): number {
  let i = 0;
  for (; i + 6 <= length; i += 6) {
    const rnd = random.nextInt();
    // `| 0` everywhere: integer division and remainder, never the floating-point path JS takes for −0.
    const high = (rnd / TRIPLE) | 0;
    pos = putTriple(out, pos, (rnd - high * TRIPLE) | 0);
    pos = putTriple(out, pos, (high - ((high / TRIPLE) | 0) * TRIPLE) | 0);
  }
  if (i < length) {
    let rnd = random.nextInt();
    for (; i < length; i++) {
      const c = A + (rnd % 26); // JS % is Java's signed remainder
      if (c === BACKSLASH) out[pos++] = BACKSLASH;
      out[pos++] = c;
      rnd = (rnd / 26) | 0; // Java's int division truncates toward zero
    }
  }
  return pos;
}

/** The most characters {@link putExtra} draws for `averageSize` (`wanted − delta + 2·delta − 1`). */
export function maxExtraLength(averageSize: number): number {
  return averageSize + Math.round(averageSize * 0.2);
}

/** Writes padding so that `currentSize` plus its length averages `averageSize` (`nextExtra`), escaped as {@link putExactString}. */
export function putExtra(random: JavaRandom, out: Uint8Array, pos: number, currentSize: number, averageSize: number): number {
  if (currentSize > averageSize) return pos;
  const wanted = averageSize - currentSize;
  const delta = Math.round(wanted * 0.2); // Java's Math.round: nearest, ties up — the same rule
  const size = wanted - delta + (delta === 0 ? 0 : random.nextIntBelow(2 * delta));
  return putExactString(random, out, pos, size);
}
