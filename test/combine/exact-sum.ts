/**
 * Test reference: the exact sum of doubles with BigInt, rounded once to the
 * nearest double (ties to even). Every double is an integer multiple of
 * 2^-1074, so sums are exact as BigInts scaled by 2^1074.
 */

const view = new DataView(new ArrayBuffer(8));

/** `x · 2^1074` exactly. */
export const toScaled = (x: number): bigint => {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const mant = bits & ((1n << 52n) - 1n);
  // Subnormal: mant · 2^-1074. Normal: (2^52 + mant) · 2^(exp - 1075).
  const mag = exp === 0 ? mant : (mant | (1n << 52n)) << BigInt(exp - 1);
  return bits >> 63n === 1n ? -mag : mag;
};

/** The double nearest to `n · 2^-1074`, ties to even. */
export const fromScaled = (n: bigint): number => {
  if (n === 0n) return 0;
  const neg = n < 0n;
  let m = neg ? -n : n;
  const len = m.toString(2).length;
  let shift = 0;
  if (len > 53) {
    shift = len - 53;
    const s = BigInt(shift);
    let q = m >> s;
    const r = m - (q << s);
    const half = 1n << (s - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q += 1n;
    m = q;
  }
  // m ≤ 2^53 converts exactly, and m · 2^(shift-1074) is representable.
  const v = Number(m) * 2 ** (shift - 1074);
  return neg ? -v : v;
};

/** The correctly rounded sum of `xs`. */
export const exactSum = (xs: readonly number[]): number => fromScaled(xs.reduce((acc, x) => acc + toScaled(x), 0n));

/** Parses a C99 hex float such as `0x1.df11f45f4e61ap+2`. */
export const hexFloat = (s: string): number => {
  const m = /^(-?)0x([01])\.([0-9a-f]{13})p([+-]\d+)$/.exec(s);
  if (!m) throw new Error(`bad hex float ${s}`);
  const mant = Number(BigInt(`0x${m[2]}${m[3]}`));
  const v = mant * 2 ** (Number(m[4]) - 52);
  return m[1] === "-" ? -v : v;
};
