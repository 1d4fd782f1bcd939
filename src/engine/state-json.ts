/**
 * The persisted form of engine state as JSON text. State values may hold
 * ±Infinity (the global window's bounds, a clock that saw nothing), which
 * plain JSON cannot: they are written as `{"$num":"Infinity"}` (or
 * `"-Infinity"`, `"NaN"`). One rule for every place state is persisted — the
 * Kafka runner's changelog topics and the handoff checkpoint file — so a
 * checkpoint's entries are exactly what a changelog record would hold.
 *
 * @module
 */

/** Replaces every non-finite number in `v` by its `$num` object: a value plain JSON can hold. */
export const toStateJson = (v: unknown): unknown => JSON.parse(encodeState(v)) as unknown;

/** The inverse of {@link toStateJson}: `$num` objects become numbers again. */
export const fromStateJson = (v: unknown): unknown => decodeState(JSON.stringify(v));

/** A state value as JSON text, with ±Infinity and NaN as `$num` objects. */
export const encodeState = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? { $num: x > 0 ? "Infinity" : x < 0 ? "-Infinity" : "NaN" } : x));

/** Parses {@link encodeState}'s text back into the state value. */
export const decodeState = (s: string): unknown =>
  JSON.parse(s, (_k, x) =>
    x !== null && typeof x === "object" && !Array.isArray(x) && typeof x.$num === "string" && Object.keys(x).length === 1 ? Number(x.$num) : x,
  );
