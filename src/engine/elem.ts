/**
 * The envelope every element travels in through the engine.
 *
 * @module
 */

/** Where an element came from, for dead letters and error messages. */
export interface Origin {
  /** The source (or table) name. */
  readonly source: string;
  /** Line (JSONL/CSV), row index (Arrow/Parquet) or Kafka offset. */
  readonly offset: number;
  /** Kafka partition, when there is one. */
  readonly partition?: number;
}

/** An element and its metadata. Envelopes are never mutated once pushed downstream. */
export interface Elem {
  /** The element value (a JSON object). */
  // biome-ignore lint/suspicious/noExplicitAny: the engine's hot path reads fields of values whose shape the plan, not the type system, knows
  readonly v: any;
  /** Event time in ms; 0 until `withTimestamps` assigns one. */
  readonly t: number;
  /** The element's source-key clock when its time was assigned (-Infinity before). */
  readonly c: number;
  /** The clock id: source name + source key (canonical JSON). */
  readonly sk: string;
  /** The stage key as canonical JSON of the key values, when keyed. */
  readonly k: string | undefined;
  /** The key fields and values, when keyed. */
  readonly kv: Readonly<Record<string, unknown>> | undefined;
  /** The pane key (output key) of an aggregate's row, when the element is one. */
  readonly pk: string | undefined;
  /** The pane key as values, for sorting output. */
  readonly pkv: readonly unknown[] | undefined;
  /**
   * True for a pane marker: it carries no value and tells the sink that a new
   * pane for `pk` begins (its rows follow; none means the key is retracted).
   */
  readonly marker: boolean;
  readonly origin: Origin;
}

/** Makes an envelope (one shape for every element keeps property access monomorphic). */
export const elem = (
  // biome-ignore lint/suspicious/noExplicitAny: as Elem.v
  v: any,
  t: number,
  c: number,
  sk: string,
  k: string | undefined,
  kv: Readonly<Record<string, unknown>> | undefined,
  pk: string | undefined,
  pkv: readonly unknown[] | undefined,
  marker: boolean,
  origin: Origin,
): Elem => ({ v, t, c, sk, k, kv, pk, pkv, marker, origin });

/** The same envelope with a new value. */
// biome-ignore lint/suspicious/noExplicitAny: as Elem.v
export const withValue = (e: Elem, v: any): Elem => elem(v, e.t, e.c, e.sk, e.k, e.kv, e.pk, e.pkv, e.marker, e.origin);
