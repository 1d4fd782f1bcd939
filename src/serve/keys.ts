/**
 * Output keys in requests. In a URL (`GET /v1/<sink>/<key>`) a key is either
 * a URL-encoded JSON object of the sink's key fields
 * (`/v1/counts/%7B%22key%22%3A%22a%22%2C%22windowStart%22%3A0%2C%22windowEnd%22%3A10000%7D`),
 * or, for a sink keyed by one field, the field's value as plain text
 * (`/v1/sequences/u1` is `{"userId":"u1"}`). Plain text is always a string:
 * a key field holding a number or a text starting with `{` is written as
 * JSON. In a batchGet body each key is the same: an object, or a string for
 * a one-field key.
 *
 * @module
 */
import type { OutputKey } from "../store/index.ts";

/** A key, or why the request's key is not one (the message names the fields). */
export type KeyResult = { readonly ok: true; readonly key: OutputKey } | { readonly ok: false; readonly message: string };

const shape = (fields: readonly string[]) => `{${fields.map((f) => `"${f}":…`).join(",")}}`;

/** Reads a key given as a JSON value (an object of the key fields, or a string for a one-field key). */
export const keyOfJson = (value: unknown, fields: readonly string[]): KeyResult => {
  if (typeof value === "string" && fields.length === 1) return { ok: true, key: { [fields[0]!]: value } };
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return {
      ok: false,
      message: `a key of this sink is an object ${shape(fields)}${fields.length === 1 ? " or the value of its one field as a string" : ""}`,
    };
  const v = value as Record<string, unknown>;
  const missing = fields.filter((f) => !Object.hasOwn(v, f));
  const extra = Object.keys(v).filter((f) => !fields.includes(f));
  if (missing.length || extra.length)
    return {
      ok: false,
      message: `the key ${missing.length ? `lacks ${missing.map((f) => `"${f}"`).join(", ")}` : `has the unknown field "${extra[0]}"`}: a key of this sink is ${shape(fields)}`,
    };
  return { ok: true, key: Object.fromEntries(fields.map((f) => [f, v[f]])) };
};

/** Reads the key of a URL path segment (already percent-decoded). */
export const keyOfSegment = (segment: string, fields: readonly string[]): KeyResult => {
  if (segment.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(segment);
    } catch {
      return { ok: false, message: `the key starts with "{" but is not JSON: write it as URL-encoded JSON ${shape(fields)}` };
    }
    return keyOfJson(parsed, fields);
  }
  if (fields.length !== 1) return { ok: false, message: `a key of this sink has ${fields.length} fields: write it as URL-encoded JSON ${shape(fields)}` };
  return { ok: true, key: { [fields[0]!]: segment } };
};
