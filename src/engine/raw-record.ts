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
}
