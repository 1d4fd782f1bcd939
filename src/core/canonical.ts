/**
 * Canonical JSON: the one text form lockstep uses to compare, hash, sort and
 * write values, so every runner produces byte-identical output.
 *
 * Rules: object keys sorted by UTF-16 code unit; no whitespace; numbers as
 * JavaScript prints them with `-0` written as `0`; non-finite numbers and
 * `undefined` members become `null` inside arrays and are dropped from objects
 * (as JSON.stringify does); strings escaped as JSON.stringify escapes them.
 *
 * @module
 */

/** Below this depth canonical JSON recurses (fast); deeper subtrees are written by a loop (no stack limit). */
const RECURSION_DEPTH = 512;

/**
 * The canonical JSON text of `value`. Any depth: past {@link RECURSION_DEPTH}
 * levels the rest is written iteratively, so a deep value never overflows
 * the stack (records deeper than the edge's limit are refused anyway, §1).
 */
export const canonicalJson = (value: unknown): string => write(value, 0);

/**
 * `"name":` for an object key. Records repeat the same few field names millions of times, so their
 * JSON texts are kept (bounded: a stream of distinct keys, e.g. maps keyed by ids, just stops adding).
 */
const KEY_TEXTS = new Map<string, string>();
const KEY_TEXTS_MAX = 4096;
const keyText = (k: string): string => {
  let t = KEY_TEXTS.get(k);
  if (t === undefined) {
    t = `${JSON.stringify(k)}:`;
    if (KEY_TEXTS.size < KEY_TEXTS_MAX) KEY_TEXTS.set(k, t);
  }
  return t;
};

const write = (value: unknown, depth: number): string => {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? (Object.is(value, -0) ? "0" : String(value)) : "null";
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "object": {
      if (depth >= RECURSION_DEPTH) return writeIteratively(value);
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ",";
          out += write(value[i], depth + 1);
        }
        return out + "]";
      }
      const obj = value as Record<string, unknown>;
      const keys = canonicalOrder(Object.keys(obj));
      const inOrder = orderWasKept;
      const ordinary = orderIsOrdinary;
      if (isFlatRow(obj, keys)) {
        // JSON.stringify writes a flat row's members exactly as the loop below does (numbers as String
        // writes them, -0 as 0, non-finite ones as null; undefined dropped; strings escaped alike), in
        // Object.keys order, natively and as one flat string (the loop's text is a rope that every
        // comparison of a sort must flatten). So a row in canonical order is written by it as it is,
        // and another is copied in canonical order first — unless a key is one JavaScript would list
        // first anyway (an integer-like key) or one an assignment cannot make (`__proto__`).
        if (inOrder) return JSON.stringify(obj);
        if (ordinary) {
          const copy: Record<string, unknown> = {};
          for (const k of keys) copy[k] = obj[k];
          return JSON.stringify(copy);
        }
      }
      let out = "{";
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined || typeof v === "function") continue;
        if (!first) out += ",";
        first = false;
        out += keyText(k) + write(v, depth + 1);
      }
      return out + "}";
    }
    default:
      return "null";
  }
};

/**
 * The last key list {@link canonicalOrder} saw (as Object.keys gave it), its keys in canonical order,
 * and what it found: rows of one stream repeat one key list millions of times, and sorting and checking
 * it again for each was most of the cost of writing a row (measured: half of Nexmark q1's final view).
 * Never mutated once kept, so a caller may hold the order while writing nested values (which replace them).
 */
let lastKeys: readonly string[] = [];
let lastOrder: readonly string[] = [];
/** Whether {@link lastKeys} were already in canonical order. */
let orderWasKept = true;
/** Whether every key of {@link lastOrder} is an ordinary one (see {@link isOrdinaryKey}). */
let orderIsOrdinary = true;

/** `keys` (an Object.keys result, not changed) in canonical order: UTF-16 code units, the default sort's order. */
const canonicalOrder = (keys: string[]): readonly string[] => {
  let same = keys.length === lastKeys.length;
  for (let i = 0; same && i < keys.length; i++) same = keys[i] === lastKeys[i];
  if (same) return lastOrder;
  let kept = true;
  for (let i = 1; i < keys.length; i++)
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      kept = false;
      break;
    }
  lastKeys = keys;
  lastOrder = kept ? keys : [...keys].sort();
  orderWasKept = kept;
  orderIsOrdinary = lastOrder.every(isOrdinaryKey);
  return lastOrder;
};

/**
 * True when `obj` is a plain object (no class, so no inherited `toJSON` for JSON.stringify to call)
 * whose every member is a string, number, boolean, null or undefined.
 */
const isFlatRow = (obj: Record<string, unknown>, keys: readonly string[]): boolean => {
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k of keys) {
    const v = obj[k];
    if (v !== null && v !== undefined && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return false;
  }
  return true;
};

/** A key an object literal keeps in insertion order and an assignment makes an own member: not integer-like, not `__proto__`. */
const isOrdinaryKey = (k: string): boolean => {
  const c = k.charCodeAt(0);
  return !(c >= 48 && c <= 57) && k !== "__proto__";
};

/** The same text as {@link write}, built with an explicit stack of pieces still to write. */
const writeIteratively = (value: unknown): string => {
  // Each entry is either text to emit or a value to expand; pushed in reverse so they pop in order.
  const todo: ({ text: string } | { value: unknown })[] = [{ value }];
  let out = "";
  while (todo.length > 0) {
    const item = todo.pop()!;
    if ("text" in item) {
      out += item.text;
      continue;
    }
    const v = item.value;
    if (typeof v !== "object" || v === null) {
      out += write(v, 0);
      continue;
    }
    const parts: ({ text: string } | { value: unknown })[] = [];
    if (Array.isArray(v)) {
      parts.push({ text: "[" });
      for (let i = 0; i < v.length; i++) {
        if (i > 0) parts.push({ text: "," });
        parts.push({ value: v[i] });
      }
      parts.push({ text: "]" });
    } else {
      const obj = v as Record<string, unknown>;
      parts.push({ text: "{" });
      let first = true;
      for (const k of Object.keys(obj).sort(compareStrings)) {
        const x = obj[k];
        if (x === undefined || typeof x === "function") continue;
        parts.push({ text: (first ? "" : ",") + JSON.stringify(k) + ":" });
        first = false;
        parts.push({ value: x });
      }
      parts.push({ text: "}" });
    }
    for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i]!);
  }
  return out;
};

/** Orders strings by UTF-16 code unit, never by locale. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** True when two JSON values are equal as canonical JSON. */
export const jsonEquals = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
