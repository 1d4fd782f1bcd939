/**
 * Pipelines: named, versioned definitions built from sources, tables and
 * sinks. A pipeline is a value; building its graph is pure and may depend on
 * string parameters given at launch (`--param window=fixed:10s`).
 *
 * @module
 */
import type * as t from "io-ts";
import { DefinitionError } from "../src/core/errors.ts";
import type { Pipeline } from "../src/plan/graph.ts";
import type { ServicePolicy } from "../src/plan/ir.ts";
import { toSchema } from "../src/schema/to-schema.ts";
import { node, streamOf } from "./stream.ts";
import type { DslNode, Sink, Stream, Table } from "./stream.ts";
import type { Serving } from "./serve.ts";

/** Builders handed to a pipeline's body. */
export interface PipelineContext<P extends string> {
  /** A source of events decoded by `codec`; `key` names the fields of its ordered substreams. */
  source<C extends t.Mixed>(
    name: string,
    codec: C,
    opts?: { readonly key?: (keyof t.TypeOf<C> & string) | readonly (keyof t.TypeOf<C> & string)[] },
  ): Stream<t.TypeOf<C>>;
  /** A versioned table for point-in-time lookups. */
  table<C extends t.Mixed>(
    name: string,
    codec: C,
    opts: { readonly key: keyof t.TypeOf<C> & string; readonly validFrom: keyof t.TypeOf<C> & string },
  ): Table<t.TypeOf<C>>;
  /** A named output; `serve` declares how its view is served (`L.serve`, docs/serving.md). */
  // biome-ignore lint/suspicious/noExplicitAny: a sink takes a stream of any key and windowing
  sink(name: string, opts?: SinkOptions): <T>(s: Stream<T, any, any>) => Sink;
  /** The value of a launch parameter (its default when not given). */
  param(name: P): string;
}

/** Options of a sink. */
export interface SinkOptions {
  /** How the sink's stored view is served at request time. */
  readonly serve?: Serving;
}

/** Declarative service policies (durations in ms). */
export type ServiceOptions = Partial<ServicePolicy>;

/** Defaults applied to every declared service. */
export const DEFAULT_SERVICE_POLICY: ServicePolicy = { timeoutMs: 1000, retries: 2, backoffMs: 50, concurrency: 16, cacheSize: 10_000 };

/**
 * Defines a pipeline.
 *
 * @example
 * export default L.pipeline("wordcount", { version: 1 }, ({ source, sink }) =>
 *   pipe(source("lines", Line), …, sink("counts")));
 */
export const pipeline = <P extends string = never>(
  name: string,
  opts: { readonly version: number; readonly params?: Readonly<Record<P, string>>; readonly services?: Readonly<Record<string, ServiceOptions>> },
  body: (ctx: PipelineContext<P>) => Sink | readonly Sink[],
): Pipeline<P> => {
  const defaults = (opts.params ?? {}) as Readonly<Record<P, string>>;
  const services = Object.fromEntries(Object.entries(opts.services ?? {}).map(([k, v]) => [k, { ...DEFAULT_SERVICE_POLICY, ...v }]));
  const build = (given: Readonly<Record<string, string>>): readonly DslNode[] => {
    for (const k of Object.keys(given)) {
      if (!(k in defaults)) {
        const known = Object.keys(defaults);
        throw new DefinitionError(
          `params.${k}`,
          `pipeline "${name}" has no parameter "${k}"`,
          `use one of ${known.length ? known.join(", ") : "(none: this pipeline takes no parameters)"}`,
        );
      }
    }
    const values: Record<string, string> = { ...defaults, ...given };
    const ctx: PipelineContext<P> = {
      source: (sourceName, codec, o) =>
        streamOf(
          node(
            "source",
            [],
            { schema: toSchema(codec), key: o?.key === undefined ? [] : typeof o.key === "string" ? [o.key] : [...o.key] },
            { name: sourceName },
            { codec },
          ),
        ),
      table: (tableName, codec, o) => ({
        kind: "table",
        node: node("table", [], { schema: toSchema(codec), key: o.key, validFrom: o.validFrom }, { name: tableName }, { codec }),
      }),
      sink: (sinkName, o) => (s) => ({
        kind: "sink",
        node: node("sink", [s.node], o?.serve ? { serve: o.serve.spec } : {}, { name: sinkName }, o?.serve?.uses.length ? { uses: o.serve.uses } : {}),
      }),
      param: (p) => values[p]!,
    };
    const out = body(ctx);
    return (Array.isArray(out) ? out : [out]).map((s: Sink) => s.node);
  };
  return { kind: "pipeline", name, version: opts.version, params: defaults, services, build };
};

export type { Pipeline };
