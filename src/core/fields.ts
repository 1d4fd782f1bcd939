/**
 * Reading a field of a record by name. Records are plain objects, so `v[name]`
 * would find `Object.prototype`'s members for a record lacking a field named
 * `constructor` or `toString`; a missing field reads as `null`
 * (docs/semantics.md §1), whatever its name. Writing one is the mirror image: `o["__proto__"] = v`
 * would replace the prototype instead of adding a field.
 *
 * @module
 */

/** The value of `name` in `v` when it is an own field, else `null` (undefined reads as null too). */
export const ownField = (v: Readonly<Record<string, unknown>>, name: string): unknown => (Object.hasOwn(v, name) ? (v[name] ?? null) : null);

/** A JSON object (not null, not an array): the shape of a record. The one definition every layer uses. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Sets the own field `name` of `o` to `value`, also when `name` is `__proto__` (a plain assignment
 * would set the prototype, and the field would be lost). Field names come from definitions and data.
 */
export const setOwnField = (o: Record<string, unknown>, name: string, value: unknown): void => {
  if (name === "__proto__") Object.defineProperty(o, name, { value, enumerable: true, writable: true, configurable: true });
  else o[name] = value;
};

/**
 * A copy of `o`'s own fields, in their order (as `{ ...o }`, `__proto__` included). Why not the spread:
 * V8 gives a spread's result a map that fields added afterwards cannot transition cheaply from, so
 * `{ ...kv }` followed by `row.windowStart = …` cost microseconds per row (measured: ~2–5 µs against
 * ~0.1 µs for this loop), and every pane row of a combine, join or sequence is made that way.
 */
export const copyFields = (o: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k in o) if (Object.hasOwn(o, k)) setOwnField(out, k, o[k]);
  return out;
};
