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

/**
 * The fields of a new envelope, by name. Only `origin` is required; an omitted
 * field is "not set yet": no value, event time 0, clock -Infinity, no clock id
 * (""), not keyed, no pane key, not a marker.
 */
export interface ElemFields {
  // biome-ignore lint/suspicious/noExplicitAny: as Elem.v
  readonly v?: any;
  readonly t?: number;
  readonly c?: number;
  readonly sk?: string;
  readonly k?: string | undefined;
  readonly kv?: Readonly<Record<string, unknown>> | undefined;
  readonly pk?: string | undefined;
  readonly pkv?: readonly unknown[] | undefined;
  readonly marker?: boolean;
  readonly origin: Origin;
}

/**
 * Makes an envelope. Every field is written, in one order, so every element
 * has one shape (property access stays monomorphic on the hot path).
 */
export const elem = (f: ElemFields): Elem => ({
  v: f.v,
  t: f.t ?? 0,
  c: f.c ?? -Infinity,
  sk: f.sk ?? "",
  k: f.k,
  kv: f.kv,
  pk: f.pk,
  pkv: f.pkv,
  marker: f.marker ?? false,
  origin: f.origin,
});

/** The same envelope with a new value. */
// biome-ignore lint/suspicious/noExplicitAny: as Elem.v
export const withValue = (e: Elem, v: any): Elem => ({
  v,
  t: e.t,
  c: e.c,
  sk: e.sk,
  k: e.k,
  kv: e.kv,
  pk: e.pk,
  pkv: e.pkv,
  marker: e.marker,
  origin: e.origin,
});
