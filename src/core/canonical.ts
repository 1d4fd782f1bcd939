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

/** The canonical JSON text of `value`. */
export const canonicalJson = (value: unknown): string => {
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
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ",";
          out += canonicalJson(value[i]);
        }
        return out + "]";
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort(compareStrings);
      let out = "{";
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined || typeof v === "function") continue;
        if (!first) out += ",";
        first = false;
        out += JSON.stringify(k) + ":" + canonicalJson(v);
      }
      return out + "}";
    }
    default:
      return "null";
  }
};

/** Orders strings by UTF-16 code unit, never by locale. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** True when two JSON values are equal as canonical JSON. */
export const jsonEquals = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
