/**
 * Reading a field of a record by name. Records are plain objects, so `v[name]`
 * would find `Object.prototype`'s members for a record lacking a field named
 * `constructor` or `toString`; a missing field reads as `null`
 * (docs/semantics.md §1), whatever its name.
 *
 * @module
 */

/** The value of `name` in `v` when it is an own field, else `null` (undefined reads as null too). */
export const ownField = (v: Readonly<Record<string, unknown>>, name: string): unknown => (Object.hasOwn(v, name) ? (v[name] ?? null) : null);
