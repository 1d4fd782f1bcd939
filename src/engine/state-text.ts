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

/** The text of a state value. */
export const encodeStateText = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? { $num: x > 0 ? "Infinity" : x < 0 ? "-Infinity" : "NaN" } : x));

/** The value of a state text written by {@link encodeStateText}. */
export const decodeStateText = (s: string): unknown =>
  JSON.parse(s, (_k, x) =>
    x !== null && typeof x === "object" && !Array.isArray(x) && typeof x.$num === "string" && Object.keys(x).length === 1 ? Number(x.$num) : x,
  );
