/**
 * Values read from Arrow and Parquet, made into plain JSON values so every
 * format yields the same kinds of records.
 *
 * @module
 */

/**
 * `v` as a JSON value:
 * - BigInt → number when it fits in ±(2^53 − 1), otherwise its decimal string
 *   (a number there would silently lose digits);
 * - Date → ISO 8601 string; non-finite numbers → null; -0 → 0;
 * - bytes (Uint8Array) → base64 string; other typed arrays → arrays;
 * - Map → object with string keys; objects and arrays recursively.
 */
export const toPlain = (v: unknown): unknown => {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
    case "bigint":
      return v >= -MAX && v <= MAX ? Number(v) : v.toString();
    case "object":
      return objectToPlain(v);
    default:
      return null; // undefined, functions, symbols: not data
  }
};

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

const objectToPlain = (v: object | null): unknown => {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>, toPlain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toPlain(x)]));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
};
