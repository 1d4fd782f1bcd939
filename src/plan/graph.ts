/**
 * The unnamed definition graph the DSL builds, before `compile` assigns
 * stage names and turns it into a {@link Plan}. `load` rebuilds one from a
 * plan. Runners never see this form, only plans.
 *
 * @module
 */
import type * as t from "io-ts";
import type { Op, ServicePolicy } from "./ir.ts";
import type { Registrable } from "../registry/registry.ts";

/** One node of a definition graph. */
export interface GraphNode {
  readonly op: Op;
  /** The stage name given by the user, if any. */
  readonly name?: string;
  /** Upstream nodes: join `[left, right]`, lookup `[input, table]`, flatten all, others one. */
  readonly inputs: readonly GraphNode[];
  /** The op's plan fields other than `id` and input references. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The io-ts codec of a source or table. */
  readonly codec?: t.Mixed;
  /** Executors and combiners this node references. */
  readonly uses?: readonly Registrable[];
}

/** A pipeline definition: metadata plus a pure graph builder. */
export interface Pipeline<P extends string = string> {
  readonly kind: "pipeline";
  readonly name: string;
  readonly version: number;
  /** Parameter names with their default values. */
  readonly params: Readonly<Record<P, string>>;
  readonly services: Readonly<Record<string, ServicePolicy>>;
  /** Builds the graph for the given parameters (defaults filled in); returns its sinks. */
  readonly build: (params: Readonly<Record<string, string>>) => readonly GraphNode[];
}

/** True for pipeline values (e.g. a module's default export). */
export const isPipeline = (x: unknown): x is Pipeline =>
  typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "pipeline" && typeof (x as Pipeline).build === "function";
