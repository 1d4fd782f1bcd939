/**
 * Which inputs the numeric aggregates (sum, mean, min, max, topK) use.
 *
 * @module
 */

/**
 * `x` when it is a finite number (with `-0` read as `0`), else `null`: nulls,
 * strings, booleans and non-finite numbers are ignored, not counted.
 */
export const numericInput = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? (x === 0 ? 0 : x) : null);
