/**
 * Base64 (RFC 4648, with padding) both ways, in plain JavaScript where Node's Buffer is missing:
 * the Flink runner's edge runs in GraalJS (runners/flink/js/functions.ts), where a Kafka record's
 * bytes arrive as Flink's `TO_BASE64` text, and an invalid-UTF-8 dead letter keeps its bytes as
 * base64 (`rawBase64`, docs/semantics.md §2). In Node, Buffer does it.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const NODE = typeof (globalThis as { Buffer?: unknown }).Buffer === "function";

/** The base64 text of `bytes`. */
export const base64Of = (bytes: Uint8Array): string =>
  NODE ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64") : portableBase64Of(bytes);

/** {@link base64Of} in plain JavaScript (what GraalJS runs; tested against Buffer). */
export const portableBase64Of = (bytes: Uint8Array): string => {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : "=";
    out += i + 2 < bytes.length ? ALPHABET[n & 63]! : "=";
  }
  return out;
};

const VALUES = new Map([...ALPHABET].map((c, i) => [c, i]));

/** The bytes of base64 `text` (padded, as `base64Of` and Flink's `TO_BASE64` write it); throws on any other character. */
export const bytesOfBase64 = (text: string): Uint8Array => (NODE ? new Uint8Array(Buffer.from(text, "base64")) : portableBytesOfBase64(text));

/** {@link bytesOfBase64} in plain JavaScript (what GraalJS runs; tested against Buffer). */
export const portableBytesOfBase64 = (text: string): Uint8Array => {
  const clean = text.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (const c of clean) {
    const v = VALUES.get(c);
    if (v === undefined) throw new Error(`not base64: ${JSON.stringify(c)}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, j);
};
