/**
 * How the DirectRunner's worker threads rebuild the registry of a CLI run
 * (`lockstep run --workers N`): they import this module and call
 * {@link workerRegistry} with what the command line named, which loads the
 * pipeline module (or compiled plan) and `--executors` exactly as the main
 * thread did (definition.ts).
 *
 * @module
 */
import type { Registry } from "../registry/registry.ts";
import { planOf } from "./definition.ts";
import { loadDefinition } from "./load-definition.ts";

/** What a worker needs to load a CLI run's registry. */
export interface CliRegistryArg {
  /** The pipeline module or compiled `.json`, as given on the command line. */
  readonly definition: string;
  readonly params: Readonly<Record<string, string>>;
  /** `--executors`. */
  readonly executors?: string;
}

/** The registry of the run `arg` describes (called in a worker thread). */
export const workerRegistry = async (arg: CliRegistryArg): Promise<Registry> =>
  (await planOf(await loadDefinition(arg.definition), { ...arg.params }, arg.executors)).registry;

/** The module URL a worker imports to call {@link workerRegistry}. */
export const WORKER_REGISTRY_MODULE: string = import.meta.url;
