/**
 * Durations: the text form users write for window sizes, gaps and offsets
 * (`250ms`, `10s`, `5m`, `1h`, `2d`, compounds like `1h30m`), always held
 * internally as a whole number of milliseconds.
 *
 * @module
 */

import { DefinitionError } from "../core/errors.ts";

/** Units from largest to smallest; compounds must use them in this order. */
const UNITS = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
] as const;

// One optional group per unit, largest first; `m(?!s)` keeps "5ms" from reading as minutes.
const DURATION_RE = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

const FIX = 'write a whole number followed by a unit (ms, s, m, h, d), largest unit first, e.g. "250ms", "10s", "1h30m"';

/**
 * Milliseconds from a duration.
 *
 * A number is taken as milliseconds and must be a finite non-negative integer.
 * A string is one or more `<digits><unit>` parts with units `d`, `h`, `m`, `s`,
 * `ms`, each at most once and largest first (`1h30m`, not `30m1h`); surrounding
 * whitespace is ignored. A bare number string such as `"10"` is rejected because
 * its unit would be a guess.
 *
 * @param where  path named in the error (defaults to `"duration"`)
 * @throws DefinitionError for anything else, or a total beyond 2^53 ms
 */
export const parseDuration = (x: string | number, where?: string): number => {
  const path = where ?? "duration";
  if (typeof x === "number") {
    if (Number.isSafeInteger(x) && x >= 0) return x === 0 ? 0 : x;
    throw new DefinitionError(path, `expected a duration like "10s" or a whole number of milliseconds ≥ 0, got ${x}`, FIX);
  }
  if (typeof x !== "string") {
    throw new DefinitionError(path, `expected a duration like "10s", got ${x === null ? "null" : typeof x}`, FIX);
  }
  const text = x.trim();
  const m = text === "" ? null : DURATION_RE.exec(text);
  if (m === null) {
    const hint = /^\d+$/.test(text) ? ` (add a unit: "${text}ms" or "${text}s")` : "";
    throw new DefinitionError(path, `expected a duration like "10s", "250ms" or "1h30m", got ${JSON.stringify(x)}${hint}`, FIX);
  }
  let total = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const digits = m[i + 1];
    if (digits !== undefined) total += Number(digits) * UNITS[i]![1];
  }
  if (!Number.isSafeInteger(total)) {
    throw new DefinitionError(path, `duration ${JSON.stringify(x)} is too large to count in milliseconds exactly`, "use a duration below about 285 000 years");
  }
  return total;
};

/**
 * The canonical text of a duration: largest units first, zero parts left out
 * (`90000` → `"1m30s"`, `5400000` → `"1h30m"`, `0` → `"0s"`).
 * {@link parseDuration} reads it back to the same number.
 *
 * @throws RangeError when `ms` is not a non-negative safe integer
 */
export const formatDuration = (ms: number): string => {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError(`formatDuration: expected a whole number of milliseconds ≥ 0, got ${ms}. Fix: pass a value returned by parseDuration`);
  }
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
};
