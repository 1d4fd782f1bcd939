/**
 * One input record as a runner hands it to the engine. Its own module, so the
 * edge rule (edge.ts) and the topology (topology.ts) both use it without
 * importing each other.
 *
 * @module
 */

/** One input record as a runner reads it (see src/io/records.ts). */
export interface RawRecord {
  readonly offset: number;
  readonly partition?: number;
  readonly value?: unknown;
  readonly error?: string;
  readonly raw?: string;
  /** The exact bytes (base64) of a record that is not UTF-8. */
  readonly rawBase64?: string;
}
