import { parseDuration } from "../../src/window/duration.ts";
import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Windowing } from "../stream.ts";

/** Options of {@link sequence}. */
export interface SequenceOptions<T, F extends keyof T & string, A extends string> extends StageOptions {
  /** How many of the latest elements to keep. */
  readonly latest: number;
  /** The field identifying an element: deduplicates, and breaks ties in time (ascending). */
  readonly id: keyof T & string;
  /** The element fields kept in each entry, in this order. */
  readonly fields: readonly F[];
  /** The output field holding the entries (default `"events"`). */
  readonly as?: A;
  /** Drop entries older than the key's newest event time minus this. */
  readonly ttl?: number | string;
}

/**
 * Per key, the latest N elements by event time, newest first, ties broken by
 * id ascending, one entry per id. Emits the key's updated sequence for every
 * element that reaches it.
 */
export const sequence =
  <T, F extends keyof T & string, A extends string = "events">(opts: SequenceOptions<T, F, A>) =>
  <K extends object, W extends Windowing>(s: Stream<T, K, W>): Stream<K & { readonly [P in A]: { [Q in F]: T[Q] }[] }, K, "none"> =>
    streamOf(
      node(
        "sequence",
        [s.node],
        {
          latest: opts.latest,
          idField: opts.id,
          fields: [...opts.fields],
          as: opts.as ?? "events",
          ...(opts.ttl !== undefined ? { ttl: parseDuration(opts.ttl, "sequence.ttl") } : {}),
        },
        opts,
      ),
    );
