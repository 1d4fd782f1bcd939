import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream, Table, Windowing } from "../stream.ts";

/** Options of {@link lookup}. */
export interface LookupOptions<T, R, TK extends Readonly<Record<string, keyof R & string>>> extends StageOptions {
  /** The element field whose value is looked up in the table's key. */
  readonly on: keyof T & string;
  /** Output field → table field. */
  readonly take: TK;
}

/**
 * Point-in-time enrichment: for each element, the table row for its key with
 * the greatest `validFrom` ≤ the element's event time; taken fields are
 * `null` when there is no such row.
 */
export const lookup =
  // biome-ignore lint/suspicious/noExplicitAny: the stream side of a lookup is typed at the call, not here
    <R, TK extends Readonly<Record<string, keyof R & string>>>(table: Table<R>, opts: LookupOptions<any, R, TK>) =>
    <T, K, W extends Windowing>(s: Stream<T, K, W>): Stream<T & { readonly [P in keyof TK]: R[TK[P]] | null }, K, W> =>
      streamOf(node("lookup", [s.node, table.node], { on: opts.on, take: Object.entries(opts.take) }, opts));
