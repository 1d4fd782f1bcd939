/**
 * The edge of every runner: whether an input record of a source or table is
 * admitted, and if not, the dead letter's reason. One rule, shared, so every
 * runner rejects the same records with the same words (docs/semantics.md §2).
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import { deeperThan, recordProblem } from "../core/depth.ts";
import { ownField } from "../core/fields.ts";
import { parseJsonLine } from "../io/jsonl.ts";
import type { SourceNode, TableNode } from "../plan/ir.ts";
import type { Decoder } from "../schema/decode.ts";
import type { RawRecord } from "./raw-record.ts";

/** What a dead letter carries of a refused record: its raw text (and exact bytes when not UTF-8), or its value. */
export type DeadLetterBody = { readonly raw: string; readonly rawBase64?: string } | { readonly value: unknown };

/** An admitted record's value, or why it is a dead letter (with the raw text or the value). */
export type Admission =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string; readonly body: DeadLetterBody };

/**
 * Judges one record read for `node` with the node's decoder. The same rules
 * for every input form: an in-memory value is judged as the same value on a
 * JSONL line would be (not an object, nested too deep, a non-finite number),
 * then decoded.
 */
export const admit = (node: SourceNode | TableNode, r: RawRecord, decode: Decoder): Admission => {
  if (r.error !== undefined) {
    const body: DeadLetterBody = r.raw === undefined ? NO_BODY : r.rawBase64 === undefined ? { raw: r.raw } : { raw: r.raw, rawBase64: r.rawBase64 };
    return { ok: false, reason: r.error, body };
  }
  if (typeof r.value !== "object" || r.value === null || Array.isArray(r.value)) {
    // Judged as the same value on a JSONL line would be, whatever the input form (file, topic, memory).
    // (JSON.stringify would overflow the stack on a deep array; canonical JSON does not.)
    const text = deeperThan(r.value) ? canonicalJson(r.value) : (JSON.stringify(r.value) ?? "null");
    const asLine = parseJsonLine(text, r.offset);
    return { ok: false, reason: asLine.error ?? "not an object", body: { raw: asLine.raw ?? text } };
  }
  const problem = recordProblem(r.value);
  if (problem !== undefined) return { ok: false, reason: `invalid JSON: ${problem}`, body: { value: r.value } };
  const d = decode(r.value);
  if (!d.ok) return { ok: false, reason: d.reason, body: { value: r.value } };
  const v = d.value as Record<string, unknown>;
  if (node.op === "table") {
    // Checked where the table is read, so a table read by several lookups reports a bad row once.
    const from = ownField(v, node.validFrom);
    if (typeof from !== "number" || !Number.isFinite(from))
      return { ok: false, reason: `table row's ${node.validFrom} is ${canonicalJson(from)}, not a finite number of ms`, body: { value: r.value } };
  }
  return { ok: true, value: v };
};

/** An error record without raw text (e.g. a Kafka message with a null value): the dead letter has neither. */
const NO_BODY: DeadLetterBody = Object.freeze({}) as DeadLetterBody;

/**
 * The source key of a value as text (canonical JSON of the key field, or of
 * the key fields' values in order), or null when the source has no key. It
 * names the value's ordered substream: the clock id in the engine, the
 * message key on Kafka.
 */
export const sourceKeyText = (node: SourceNode, v: Readonly<Record<string, unknown>>): string | null => {
  if (node.key.length === 0) return null;
  return node.key.length === 1 ? canonicalJson(ownField(v, node.key[0]!)) : canonicalJson(node.key.map((f) => ownField(v, f)));
};

/**
 * The source key of a record as read, before decoding: {@link sourceKeyText} of an object, null for
 * anything else (null, a scalar, a line that was not JSON — it goes to the unkeyed substream and will
 * be a dead letter). Kafka produces a source record with this key; the parity harness spreads
 * records over partitions by it.
 */
export const recordSourceKey = (node: SourceNode, value: unknown): string | null =>
  typeof value === "object" && value !== null ? sourceKeyText(node, value as Record<string, unknown>) : null;
