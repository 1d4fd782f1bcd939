/**
 * The text form of a state value, for backends that persist it (the Kafka
 * changelog, the LMDB backend): JSON, with `±Infinity` and `NaN` (global
 * window bounds, empty clocks) written as `{"$num":"Infinity"}`, which plain
 * JSON cannot hold.
 *
 * Why JSON text and not a binary encoding such as msgpack: strings must come
 * back exactly, and a value can hold a lone UTF-16 surrogate (a record's
 * string field is data, docs/semantics.md §1). `JSON.stringify` escapes one
 * as `\udfff`; an encoder that writes UTF-8 replaces it with U+FFFD, and the
 * parity runner `direct-lmdb` caught that. `-0` comes back as `0` (output
 * writes it so anyway, §1).
 *
 * @module
 */

const NON_FINITE = (_k: string, x: unknown): unknown =>
  typeof x === "number" && !Number.isFinite(x) ? { $num: x > 0 ? "Infinity" : x < 0 ? "-Infinity" : "NaN" } : x;

const REVIVE_NON_FINITE = (_k: string, x: unknown): unknown =>
  x !== null && typeof x === "object" && !Array.isArray(x) && typeof (x as { $num?: unknown }).$num === "string" && Object.keys(x).length === 1
    ? Number((x as { $num: string }).$num)
    : x;

/**
 * The text of a state value. Plain `JSON.stringify` first: it writes a non-finite number as `null`,
 * so text without `null` lost nothing and is the answer; only text with a `null` is written again
 * with the replacer (a replacer call per value costs several times the plain encoding).
 */
export const encodeStateText = (v: unknown): string => {
  const plain = JSON.stringify(v);
  return plain.includes("null") ? JSON.stringify(v, NON_FINITE) : plain;
};

/** The value of a state text written by {@link encodeStateText}; the reviver runs only where `$num` appears. */
export const decodeStateText = (s: string): unknown => (s.includes('"$num"') ? JSON.parse(s, REVIVE_NON_FINITE) : JSON.parse(s));

/**
 * A state value as a JSON value (not text) with the same encoding: what a handoff checkpoint file
 * holds per entry (docs/semantics.md §17), so `JSON.stringify` of it is the changelog record's text.
 */
export const toStateJson = (v: unknown): unknown => JSON.parse(encodeStateText(v)) as unknown;

/** The inverse of {@link toStateJson}. */
export const fromStateJson = (v: unknown): unknown => decodeStateText(JSON.stringify(v));
