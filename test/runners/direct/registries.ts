/**
 * Registries the DirectRunner's worker threads load in the tests (`workerRegistry` option): this
 * module is imported in each worker by path, so its executors are the same code there as here.
 */
import type * as t from "io-ts";
import * as L from "lockstep";
import type { Ev } from "../../../src/parity/pipelines.ts";
import { countPositive, recipeExecutors } from "../../../src/parity/pipelines.ts";
import type { Registry } from "../../../src/registry/registry.ts";
import { createRegistry } from "../../../src/registry/registry.ts";

/** An executor that throws on the element with x = 13 (a failing run). */
export const boom = L.executor("boom", 1, {
  filter: (e: t.TypeOf<typeof Ev>) => {
    if (e.x === 13) throw new Error("boom at x = 13");
    return true;
  },
});

/** This module, as a worker imports it. */
export const REGISTRIES_MODULE = import.meta.url;

/** Every executor and combiner the generated pipelines use, and {@link boom}. */
export const workerRegistry = (): Registry => createRegistry([...Object.values(recipeExecutors), countPositive, boom]);
