/**
 * The result schemas catalogue entries share.
 *
 * @module
 */
import type { SchemaJson } from "../../schema/json-schema.ts";

/** A number result. */
export const NUMBER: SchemaJson = { type: "number" };
/** A string result. */
export const STRING: SchemaJson = { type: "string" };
/** A boolean result. */
export const BOOLEAN: SchemaJson = { type: "boolean" };
