/**
 * The size bound of a dead letter, one rule for every runner
 * (docs/semantics.md §2): a dead letter must always be writable — to memory,
 * a file, or a Kafka topic with the broker's default 1 MB message limit —
 * whatever the record that caused it. A raw payload or value larger than
 * {@link DEAD_LETTER_PAYLOAD_BYTES} is cut to that many bytes and the dead
 * letter says how large the original was and its SHA-256, so it can still be
 * found and compared.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../core/canonical.ts";
import type { DeadLetter } from "./operator.ts";

/** Largest raw payload or value (UTF-8 bytes of its text; a value as canonical JSON) a dead letter keeps whole. */
export const DEAD_LETTER_PAYLOAD_BYTES = 64 * 1024;
/** Largest reason (UTF-16 code units) a dead letter keeps whole. */
export const DEAD_LETTER_REASON_CHARS = 4096;

/** The first `max` UTF-8 bytes of `text`, never splitting a character. */
const utf8Prefix = (bytes: Buffer, max: number): string => {
  let end = max;
  // Step back over continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
};

/**
 * `d` with its payload bounded: a `raw` text, or a `value` whose canonical
 * JSON is, over {@link DEAD_LETTER_PAYLOAD_BYTES} UTF-8 bytes becomes `raw` =
 * its first bytes (a value: of its canonical JSON), with `truncated` =
 * `{ bytes, sha256 }` of the whole text; a reason over
 * {@link DEAD_LETTER_REASON_CHARS} is cut and ends with "…". Anything
 * smaller is returned unchanged (the same object).
 */
export const boundDeadLetter = (d: DeadLetter): DeadLetter => {
  let out = d;
  if (d.reason.length > DEAD_LETTER_REASON_CHARS) out = { ...out, reason: d.reason.slice(0, DEAD_LETTER_REASON_CHARS) + "…" };
  const text = d.raw !== undefined ? d.raw : d.value !== undefined ? canonicalJson(d.value) : undefined;
  if (text === undefined) return out;
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= DEAD_LETTER_PAYLOAD_BYTES) return out;
  const { value: _value, raw: _raw, ...rest } = out;
  return {
    ...rest,
    raw: utf8Prefix(bytes, DEAD_LETTER_PAYLOAD_BYTES),
    truncated: { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") },
  };
};
