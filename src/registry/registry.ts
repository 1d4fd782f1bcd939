/**
 * The registry resolves the executor and combiner references a definition
 * stores (`name@version`) to code, and binds service names to clients.
 *
 * @module
 */
import type { Json } from "../expr/ast.ts";
import type { CustomCombiner, Executor } from "./executor.ts";
import { parseRef } from "./executor.ts";
import { DefinitionError } from "../core/errors.ts";

/**
 * A client for an outside service, bound at launch (the definition only names it). `call.signal`
 * aborts when the engine gives the attempt up (its timeout): honour it (e.g. pass it to fetch) so
 * calls open at the service stay within the policy's concurrency. Throw an error with
 * `unavailable: true` when the service rather than the request failed (a 503, a refused
 * connection): the element is then never dead-lettered; the work waits for the service.
 */
export type ServiceClient = (request: Json, call: ServiceCall) => Promise<Json>;

/** What the engine passes a {@link ServiceClient} with each attempt. */
export interface ServiceCall {
  /** Aborted when the engine gives the attempt up (timed out). */
  readonly signal: AbortSignal;
}

/** Executors, combiners and service clients available to a run. */
export interface Registry {
  readonly executors: ReadonlyMap<string, Executor>;
  readonly combiners: ReadonlyMap<string, CustomCombiner>;
  readonly services: ReadonlyMap<string, ServiceClient>;
}

/** Anything that may be registered. */
export type Registrable = Executor | CustomCombiner;

/** Builds a registry from executors and combiners; a duplicate ref with different code is an error. */
export const createRegistry = (items: Iterable<Registrable> = [], services: Readonly<Record<string, ServiceClient>> = {}): Registry => {
  const executors = new Map<string, Executor>();
  const combiners = new Map<string, CustomCombiner>();
  for (const item of items) {
    const into: Map<string, Registrable> = item.kind === "executor" ? executors : combiners;
    const prior = into.get(item.ref);
    if (prior && prior !== item) {
      throw new DefinitionError(
        `${item.kind} "${item.ref}"`,
        `two different ${item.kind}s are registered as "${item.ref}"`,
        "give the newer one a new version number",
      );
    }
    into.set(item.ref, item);
  }
  return { executors, combiners, services: new Map(Object.entries(services)) };
};

/** A registry holding everything of `a` and `b` (entries of `b` must not conflict). */
export const mergeRegistries = (a: Registry, b: Registry): Registry => {
  const merged = createRegistry([...a.executors.values(), ...a.combiners.values(), ...b.executors.values(), ...b.combiners.values()]);
  return { ...merged, services: new Map([...a.services, ...b.services]) };
};

/** Says what versions of `ref`'s name the registry has, for error messages. */
export const describeKnown = (registry: Registry, ref: string, kind: "executor" | "combiner"): string => {
  const name = parseRef(ref)?.name ?? ref;
  const map: ReadonlyMap<string, Registrable> = kind === "executor" ? registry.executors : registry.combiners;
  const versions = [...map.keys()].filter((r) => parseRef(r)?.name === name);
  if (versions.length > 0) return `the registry has ${versions.join(", ")}`;
  const all = [...map.keys()];
  return all.length > 0 ? `the registry has no ${kind} named "${name}" (known: ${all.join(", ")})` : `the registry has no ${kind}s`;
};
