/**
 * Beam's `StringsGenerator`: the random names, descriptions and `extra` padding of Nexmark events.
 * Character arithmetic follows Java: `'a' + rnd % 26` with a signed remainder can fall below `'a'`
 * (down to `'H'`, and through `[\]^_\``), and those characters are part of Beam's output.
 *
 * @module
 */
import type { JavaRandom } from "./java-random.ts";

const A = 97; // 'a'
const SPACE = 32;
/** Characters are built in one reused byte buffer: every character is ASCII, and this is the cheapest string. */
const SCRATCH = Buffer.alloc(4096);

/** A string of 3 … maxLength − 1 letters and spaces, trimmed (`nextString`). */
export function nextString(random: JavaRandom, maxLength: number): string {
  const len = 3 + random.nextIntBelow(maxLength - 3);
  const codes = len <= SCRATCH.length ? SCRATCH : Buffer.alloc(len);
  for (let i = 0; i < len; i++) codes[i] = random.nextIntBelow(13) === 0 ? SPACE : A + random.nextIntBelow(26);
  // Java's trim() drops code points ≤ U+0020; here that is only the space.
  return codes.toString("latin1", 0, len).trim();
}

/** A string of exactly `length` characters, six per random int (`nextExactString`). */
export function nextExactString(random: JavaRandom, length: number): string {
  const codes = length <= SCRATCH.length ? SCRATCH : Buffer.alloc(length);
  let rnd = 0;
  let left = 0;
  for (let i = 0; i < length; i++) {
    if (left === 0) {
      rnd = random.nextInt();
      left = 6; // log_26(2^31)
    }
    codes[i] = A + (rnd % 26); // JS % is Java's signed remainder
    rnd = (rnd / 26) | 0; // Java's int division truncates toward zero
    left--;
  }
  return codes.toString("latin1", 0, length);
}

/** Padding so that `currentSize + length` averages `averageSize` (`nextExtra`). */
export function nextExtra(random: JavaRandom, currentSize: number, averageSize: number): string {
  if (currentSize > averageSize) return "";
  const wanted = averageSize - currentSize;
  const delta = Math.round(wanted * 0.2); // Java's Math.round: nearest, ties up — the same rule
  const size = wanted - delta + (delta === 0 ? 0 : random.nextIntBelow(2 * delta));
  return nextExactString(random, size);
}
