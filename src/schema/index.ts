/**
 * Event schemas: io-ts codecs written as portable JSON and rebuilt on load,
 * plus the per-record decoder.
 *
 * @module
 */
export type { ObjectSchema, PrimitiveTypeName, SchemaJson, SchemaProblem } from "./json-schema.ts";
export { SchemaJsonCodec, parseSchemaJson, schemaProblems } from "./json-schema.ts";
export { toSchema } from "./to-schema.ts";
export { fromSchema } from "./from-schema.ts";
export type { DecodeResult, Decoder } from "./decode.ts";
export { makeDecoder, reasonOf } from "./decode.ts";
