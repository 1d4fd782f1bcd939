/**
 * Keyed state behind an interface: the engine's operators keep all their
 * state in stores obtained here, so a runner chooses where it lives (memory
 * for the DirectRunner; memory plus a changelog topic for Kafka).
 *
 * Values must be plain data (objects, arrays, strings, finite numbers,
 * ±Infinity for the global window's bounds, booleans, null): a durable backend
 * serializes them.
 *
 * @module
 */

/**
 * How a store's values are persisted, when they are: a durable backend writes `encode(value)` and
 * restores with `decode`; a memory backend holds the values as they are and never calls either, so
 * the engine pays for a persisted form only where something is persisted.
 */
export interface StateCodec<V> {
  encode(value: V): unknown;
  decode(persisted: unknown): V;
}

/** A map from key to state value, owned by one stage. */
export interface KeyedStore<V> {
  get(key: string): V | undefined;
  /** Stores `value` for `key`; operators call it after every change they want kept. */
  set(key: string, value: V): void;
  delete(key: string): void;
  /** Every key with state (order unspecified). */
  keys(): Iterable<string>;
}

/** Where operators get their stores. */
export interface StateBackend {
  /**
   * The store `name` of stage `stage` (the same pair always gives the same store). `codec`: the
   * store's persisted form, for backends that persist (see {@link StateCodec}).
   */
  store<V>(stage: string, name: string, codec?: StateCodec<V>): KeyedStore<V>;
}

/** State in process memory. */
export class MemoryStateBackend implements StateBackend {
  private readonly stores = new Map<string, Map<string, unknown>>();

  store<V>(stage: string, name: string): KeyedStore<V> {
    const id = `${stage}/${name}`;
    let m = this.stores.get(id);
    if (!m) {
      m = new Map();
      this.stores.set(id, m);
    }
    return m as unknown as KeyedStore<V>;
  }

  /** Number of entries per store, for tests and metrics. */
  sizes(): Record<string, number> {
    return Object.fromEntries([...this.stores].map(([k, m]) => [k, m.size]));
  }
}
