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

/** Compares two JSON values in lockstep's total order (any depth: arrays are walked with a loop, not recursion). */
export const compareValues = (a: unknown, b: unknown): number => {
  const c = compareFlat(a, b);
  return c !== ARRAYS ? c : compareArrays(a as unknown[], b as unknown[]);
};

/** Sentinel of {@link compareFlat}: both are arrays, compare their elements. */
const ARRAYS = Symbol("arrays");

const compareFlat = (a: unknown, b: unknown): number | typeof ARRAYS => {
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
    case 4:
      return ARRAYS;
    default:
      return compareStrings(canonicalJson(a), canonicalJson(b));
  }
};

/** Element-wise comparison of nested arrays with an explicit stack of positions. */
const compareArrays = (a: unknown[], b: unknown[]): number => {
  const stack: { x: unknown[]; y: unknown[]; i: number }[] = [{ x: a, y: b, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.x.length || top.i >= top.y.length) {
      const c = top.x.length - top.y.length;
      if (c !== 0) return c;
      stack.pop();
      continue;
    }
    const xi = top.x[top.i];
    const yi = top.y[top.i];
    top.i++;
    const c = compareFlat(xi, yi);
    if (c === ARRAYS) stack.push({ x: xi as unknown[], y: yi as unknown[], i: 0 });
    else if (c !== 0) return c;
  }
  return 0;
};
