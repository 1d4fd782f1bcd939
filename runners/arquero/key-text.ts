/**
 * `op.ls_key1(v)`: the stage key text of a one-field key whose value is
 * `v` — canonical JSON of `[v]`, the rule every keyed stage groups by —
 * with the text of string values remembered. Keys repeat: one string
 * object per distinct key, instead of a fresh concatenation per row, costs
 * `keyBy` one lookup a row and lets `groupby` hash each key text once
 * (a fresh string is hashed again every row).
 *
 * @module
 */
import * as aq from "arquero";
import { canonicalJson } from "../../src/core/canonical.ts";

/** Distinct key values remembered (bounded: a stream of distinct keys, e.g. event ids, just stops adding). */
const MAX = 1 << 16;
const texts = new Map<string, string>();

/** The key text of a one-field key with value `v` (`null` for a missing field). */
export const keyText1 = (v: unknown): string => {
  if (typeof v !== "string") return canonicalJson([v]);
  let t = texts.get(v);
  if (t === undefined) {
    t = canonicalJson([v]);
    if (texts.size < MAX) texts.set(v, t);
  }
  return t;
};

let registered = false;

/** Registers `ls_key1` with arquero (once). */
export const registerKeyText = (): void => {
  if (registered) return;
  registered = true;
  aq.addFunction("ls_key1", keyText1, { override: true });
};
