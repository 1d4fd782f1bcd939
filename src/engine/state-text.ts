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
 * The tag must not swallow data: a record may itself hold an object whose
 * only key is `$num` (its fields are the user's). Such an object is written
 * with an escape count, `{"$num":"5","$esc":1}`, and one that already has
 * the shape `{$num, $esc: n}` gets `n + 1`; reading takes one away. Only
 * these shapes are touched, so every other object comes back as written.
 *
 * @module
 */

type Tagged = { $num?: unknown; $esc?: unknown };

/** How many keys JSON writes of `x` (a key whose value is `undefined` is left out). */
const jsonKeys = (x: object): number => {
  let n = 0;
  for (const k in x) if (Object.hasOwn(x, k) && (x as Record<string, unknown>)[k] !== undefined) n++;
  return n;
};

/** `{ $num: string }` alone: the tag of a non-finite number. */
const isTag = (x: object): boolean => typeof (x as Tagged).$num === "string" && jsonKeys(x) === 1;

/** `{ $num: string, $esc: n }` with n a positive integer: an escaped object of the tag's shape. */
const isEscaped = (x: object): boolean => {
  const esc = (x as Tagged).$esc;
  return typeof (x as Tagged).$num === "string" && Number.isInteger(esc) && (esc as number) >= 1 && jsonKeys(x) === 2;
};

const isPlainObject = (x: unknown): x is object => x !== null && typeof x === "object" && !Array.isArray(x);

const NON_FINITE = (_k: string, x: unknown): unknown => {
  if (typeof x === "number") return Number.isFinite(x) ? x : { $num: x > 0 ? "Infinity" : x < 0 ? "-Infinity" : "NaN" };
  if (!isPlainObject(x)) return x;
  if (isTag(x)) return { $num: (x as Tagged).$num, $esc: 1 };
  if (isEscaped(x)) return { $num: (x as Tagged).$num, $esc: ((x as Tagged).$esc as number) + 1 };
  return x;
};

const REVIVE_NON_FINITE = (_k: string, x: unknown): unknown => {
  if (!isPlainObject(x)) return x;
  if (isTag(x)) return Number((x as Tagged).$num);
  if (isEscaped(x)) {
    const esc = (x as Tagged).$esc as number;
    return esc === 1 ? { $num: (x as Tagged).$num } : { $num: (x as Tagged).$num, $esc: esc - 1 };
  }
  return x;
};

/**
 * The text of a state value. Plain `JSON.stringify` first: it writes a non-finite number as `null`,
 * so text without `null` (and without a `$num` key to escape) lost nothing and is the answer; only
 * other text is written again with the replacer (a replacer call per value costs several times the
 * plain encoding).
 */
export const encodeStateText = (v: unknown): string => {
  const plain = JSON.stringify(v);
  return plain.includes("null") || plain.includes('"$num"') ? JSON.stringify(v, NON_FINITE) : plain;
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
