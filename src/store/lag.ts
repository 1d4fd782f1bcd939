/**
 * How far a streamed view is behind its source, from what the store records with each commit
 * (`SinkRecord.offsets` and `SinkRecord.highWatermarks`). Read by the server's `/metrics`.
 *
 * @module
 */
import type { SinkRecord } from "./view-store.ts";

/**
 * Records of the source the view did not reflect at its last commit: per partition the high
 * watermark the writer saw minus the offset applied (0 when applied is at or past it), summed.
 * Undefined when the writer recorded no high watermarks (a batch snapshot).
 */
export const recordsBehind = (rec: SinkRecord): number | undefined => {
  const seen = rec.highWatermarks;
  if (seen === undefined) return undefined;
  let behind = 0;
  for (const [partition, high] of Object.entries(seen)) behind += Math.max(0, Number(high) - Number(rec.offsets[partition] ?? 0));
  return behind;
};
