/**
 * Plain-JSON copies of input values, so value-holding accumulators (first,
 * last, collect) stay storable and read back from a changelog unchanged.
 *
 * @module
 */

import { compareStrings } from "../core/canonical.ts";
import type { Json } from "../expr/ast.ts";

/**
 * A plain-JSON copy of `v` equal to `JSON.parse(canonicalJson(v))`: object keys
 * sorted (JS still lists integer-like keys first), `-0` as `0`, non-finite
 * numbers and `undefined` as `null` (dropped as object members), class
 * instances as plain objects of their own enumerable keys.
 * Two values with the same canonical JSON therefore give identical copies.
 */
export const toPlainJson = (v: unknown): Json => {
  switch (typeof v) {
    case "number":
      return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
    case "string":
    case "boolean":
      return v;
    case "bigint":
      // canonicalJson writes the digits, which JSON reads back as a number.
      return toPlainJson(Number(v));
    case "object": {
      if (v === null) return null;
      // Array.from visits holes too (as undefined → null), unlike map.
      if (Array.isArray(v)) return Array.from(v, toPlainJson);
      const obj = v as Record<string, unknown>;
      const entries: [string, Json][] = [];
      for (const k of Object.keys(obj).sort(compareStrings)) {
        const m = obj[k];
        if (m !== undefined && typeof m !== "function") entries.push([k, toPlainJson(m)]);
      }
      // fromEntries defines own properties, so a "__proto__" key stays data.
      return Object.fromEntries(entries);
    }
    default:
      return null;
  }
};
