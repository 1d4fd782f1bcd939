/**
 * The options every runner's run takes besides the definition; a runner adds
 * its own (e.g. the arquero runner's log, the Kafka runner's brokers).
 *
 * @module
 */
import type { LmdbStateOptions } from "../engine/lmdb-options.ts";
import type { OnExecutorError } from "../engine/operator.ts";
import type { Registry } from "../registry/registry.ts";
import type { InputSource } from "./inputs.ts";

/** What a run needs besides the definition. */
export interface RunOptions {
  /** One input per source and table, by name. */
  readonly inputs: Readonly<Record<string, InputSource>>;
  /** Executors, combiners and service clients (added to those a pipeline value references). */
  readonly registry?: Registry;
  /** Launch parameters (pipeline values only). */
  readonly params?: Readonly<Record<string, string>>;
  /** An executor that throws fails the run (default) or sends the element to the dead letters. */
  readonly onExecutorError?: OnExecutorError;
  /** Draw a progress bar on stderr when it is a TTY (default false; the CLI turns it on unless `-q`). */
  readonly progress?: boolean;
  /**
   * Where operator state lives: `"memory"` (default), or on disk in LMDB
   * (`{ lmdb: {...} }`, or `"lmdb"` for a temporary directory) for state
   * larger than the heap. The results are the same (src/engine/lmdb-state.ts).
   * Runners that keep their own state (Kafka: changelogs) say whether they read it.
   */
  readonly state?: StateChoice;
}

/** Where a run keeps operator state; see {@link RunOptions.state}. */
export type StateChoice = "memory" | "lmdb" | { readonly lmdb: LmdbStateOptions };
