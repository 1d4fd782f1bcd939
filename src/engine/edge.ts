/**
 * The edge of every runner: whether an input record of a source or table is
 * admitted, and if not, the dead letter's reason. One rule, shared, so every
 * runner rejects the same records with the same words (docs/semantics.md §2).
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import { parseJsonLine } from "../io/jsonl.ts";
import type { SourceNode, TableNode } from "../plan/ir.ts";
import type { Decoder } from "../schema/decode.ts";
import type { RawRecord } from "./raw-record.ts";

/** An admitted record's value, or why it is a dead letter (with the raw text or the value). */
export type Admission =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string; readonly raw?: string; readonly value?: unknown };

/** Judges one record read for `node` with the node's decoder. */
export const admit = (node: SourceNode | TableNode, r: RawRecord, decode: Decoder): Admission => {
  if (r.error !== undefined) return r.raw === undefined ? { ok: false, reason: r.error } : { ok: false, reason: r.error, raw: r.raw };
  if (typeof r.value !== "object" || r.value === null || Array.isArray(r.value)) {
    // Judged as the same value on a JSONL line would be, whatever the input form (file, topic, memory).
    const asLine = parseJsonLine(JSON.stringify(r.value) ?? "null", r.offset);
    return { ok: false, reason: asLine?.error ?? "not an object", raw: asLine?.raw ?? String(r.value) };
  }
  const d = decode(r.value);
  if (!d.ok) return { ok: false, reason: d.reason, value: r.value };
  const v = d.value as Record<string, unknown>;
  if (node.op === "table") {
    // Checked where the table is read, so a table read by several lookups reports a bad row once.
    const from = v[node.validFrom];
    if (typeof from !== "number" || !Number.isFinite(from)) return { ok: false, reason: `table row's ${node.validFrom} is ${canonicalJson(from ?? null)}, not a finite number of ms`, value: r.value };
  }
  return { ok: true, value: v };
};

/**
 * The source key of a value as text (canonical JSON of the key field, or of
 * the key fields' values in order), or null when the source has no key. It
 * names the value's ordered substream: the clock id in the engine, the
 * message key on Kafka.
 */
export const sourceKeyText = (node: SourceNode, v: Readonly<Record<string, unknown>>): string | null => {
  if (node.key.length === 0) return null;
  return node.key.length === 1 ? canonicalJson(v[node.key[0]!] ?? null) : canonicalJson(node.key.map((f) => v[f] ?? null));
};
