/**
 * The functions generated arquero expressions call beyond arquero's own
 * library, registered as arquero functions (`aq.addFunction`, arquero's
 * extension point for its expression language) so generated expressions stay
 * strings that arquero parses and compiles — no closures, no escape.
 *
 * Here are the compiler's and the runner's own (field steps, whole rows,
 * sort keys); the catalogue rules arquero cannot state exactly are declared
 * by their catalogue entries (`catalogue/`, `helpers.arquero`). Why they exist: arquero's `op.equal` treats
 * `null !== null` inside arrays, its expression language has no array test
 * (`Array.isArray` is not a registered function), its regex functions take
 * backtracking RegExps (lockstep's regexes are RE2, `regex.ts`), and
 * canonical JSON is lockstep's.
 *
 * @module
 */
import * as aq from "arquero";
import { canonicalJson } from "../core/canonical.ts";
import { catalogueHelpers } from "./catalogue/index.ts";
import type { Helper } from "./catalogue/index.ts";
import { isObject } from "../core/fields.ts";

const isArray = Array.isArray;

/** A value with `undefined` read as `null` (a missing field). */
const orNull = (v: unknown): unknown => (v === undefined ? null : v);

/** The element as an object from its field columns; `exotic` is the value of a non-object element. */
const row = (names: readonly string[], exotic: unknown, ...values: unknown[]): unknown => {
  if (exotic !== undefined) return exotic;
  const entries: [string, unknown][] = [];
  for (let i = 0; i < names.length; i++) if (values[i] !== undefined) entries.push([names[i]!, values[i]]);
  // fromEntries defines own properties, so a "__proto__" field stays data.
  return Object.fromEntries(entries);
};

const bits = new DataView(new ArrayBuffer(8));

/** Sixteen hex digits whose code-unit order is the numeric order of `n` (-0 as 0). */
const numberKey = (n: number): string => {
  bits.setFloat64(0, n === 0 ? 0 : n);
  let hi = bits.getUint32(0);
  let lo = bits.getUint32(4);
  // IEEE order → unsigned order: negatives flip every bit, positives only the sign.
  if (hi & 0x80000000) {
    hi = ~hi >>> 0;
    lo = ~lo >>> 0;
  } else hi = (hi | 0x80000000) >>> 0;
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
};

/**
 * A string whose code-unit order is lockstep's value order (§1): a type
 * rank, then the value; array elements are escaped and terminated so an
 * array sorts element by element, shorter first.
 */
const valueKey = (v: unknown): string => {
  if (v === null || v === undefined) return "0";
  switch (typeof v) {
    case "boolean":
      return v ? "11" : "10";
    case "number":
      return "2" + numberKey(v);
    case "string":
      return "3" + v;
    default:
      if (!isArray(v)) return "5" + canonicalJson(v);
      return "4" + v.map((e) => valueKey(e).replace(/\u0000/g, "\u0000\u0001") + "\u0000\u0000").join("");
  }
};

/** The compiler's and the runner's own helpers (field steps, whole rows, sort keys). */
const OWN_FUNCTIONS = {
  /** True for an array (arquero has no array test). */
  ls_isarr: (v: unknown): boolean => isArray(v),
  /** One step of a field path: own properties of plain objects only. */
  ls_step: (v: unknown, k: string): unknown => (isObject(v) && Object.hasOwn(v, k) ? orNull(v[k]) : null),
  /** The whole element (`row()`) from its field columns, or the value of a non-object element. */
  ls_row: row,
  /** The whole element (`row()`) from its field columns, when no element is a non-object. */
  ls_obj: (names: readonly string[], ...values: unknown[]): unknown => row(names, undefined, ...values),
  /** A string that sorts like the value in lockstep's value order (ids of mixed kinds). */
  ls_vkey: valueKey,
  /** Canonical JSON of a value (keys, ids, tie-breaks). */
  ls_json: (v: unknown): string => canonicalJson(v),
  /** Canonical JSON of the element built from its field columns. */
  ls_rowjson: (names: readonly string[], exotic: unknown, ...values: unknown[]): string => canonicalJson(row(names, exotic, ...values)),
  /** Canonical JSON of the element built from its field columns, when no element is a non-object. */
  ls_objjson: (names: readonly string[], ...values: unknown[]): string => canonicalJson(row(names, undefined, ...values)),
} as const;

/**
 * The registered helpers, by name: the compiler's and the runner's own, and
 * those the catalogue's arquero emitters call (`ls_eq`, `ls_contains`,
 * `ls_match`, …), declared with their functions. Names start with `ls_` so
 * they never shadow an arquero function.
 */
export const ARQUERO_FUNCTIONS: Readonly<Record<string, Helper>> = { ...OWN_FUNCTIONS, ...catalogueHelpers("arquero", Object.keys(OWN_FUNCTIONS)) };

let registered = false;

/** Registers {@link ARQUERO_FUNCTIONS} with arquero (once; later calls do nothing). */
export const registerArqueroFunctions = (): void => {
  if (registered) return;
  // biome-ignore lint/suspicious/noExplicitAny: arquero's addFunction takes functions of any signature
  for (const [name, fn] of Object.entries(ARQUERO_FUNCTIONS)) aq.addFunction(name, fn as (...args: any[]) => any, { override: true });
  registered = true;
};
