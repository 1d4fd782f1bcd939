/**
 * One total order over JSON values, used wherever lockstep sorts data (output
 * rows, ties in time, ids): `null` < booleans < numbers < strings < arrays <
 * objects. Numbers compare numerically, strings by UTF-16 code unit (never by
 * locale), arrays element by element, objects by canonical JSON.
 *
 * @module
 */
import { canonicalJson, compareStrings } from "./canonical.ts";

const rank = (v: unknown): number => {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case "boolean":
      return 1;
    case "number":
      return 2;
    case "string":
      return 3;
    default:
      return Array.isArray(v) ? 4 : 5;
  }
};

/** Compares two JSON values in lockstep's total order. */
export const compareValues = (a: unknown, b: unknown): number => {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return (a ? 1 : 0) - (b ? 1 : 0);
    case 2: {
      const x = a as number;
      const y = b as number;
      // NaN never reaches here from decoded JSON; keep the order total anyway.
      return x < y ? -1 : x > y ? 1 : Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : Number.isNaN(y) ? 1 : 0;
    }
    case 3:
      return compareStrings(a as string, b as string);
    case 4: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < x.length && i < y.length; i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    default:
      return compareStrings(canonicalJson(a), canonicalJson(b));
  }
};
