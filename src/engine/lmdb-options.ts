/**
 * The options of the LMDB state backend, apart from the backend itself: the run options name them, and
 * a type that reaches lmdb's own declarations (which need @types/node) would put those in every
 * consumer's type graph — an app type-checking `lockstep` without @types/node must not need them.
 *
 * @module
 */

/** Where and how the LMDB state backend keeps its environment. */
export interface LmdbStateOptions {
  /** The environment's directory, created when missing; a fresh temporary one when omitted. Must hold no state of another run. */
  readonly dir?: string;
  /** Values held in memory across all stores before dirty ones are written out (default 100,000). */
  readonly cacheEntries?: number;
  /** Leave the directory in place on `LmdbStateBackend.close` (default: removed). */
  readonly keep?: boolean;
}
