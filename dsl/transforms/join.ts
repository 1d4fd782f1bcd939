import { node, streamOf } from "../stream.ts";
import type { StageOptions, Stream } from "../stream.ts";
import type { WindowFields } from "./combine.ts";

/** Options of {@link join}. */
export interface JoinOptions<L extends string, R extends string> extends StageOptions {
  /** `inner` (default): pairs only; `left`: left elements without a match get `null`. */
  readonly kind?: "inner" | "left";
  /** Output field names of the two sides (default `["left", "right"]`). */
  readonly as?: readonly [L, R];
}

/**
 * A windowed stream–stream join: for each key and window, every pair of a
 * left and a right element (or a left element with `null` for a left join).
 * Both streams must be keyed by the same key type and windowed identically.
 */
export const join =
  <TR, K extends object, L extends string = "left", R extends string = "right", KIND extends "inner" | "left" = "inner">(
    right: Stream<TR, K, "windowed">,
    opts?: JoinOptions<L, R> & { readonly kind?: KIND },
  ) =>
  <TL>(
    left: Stream<TL, K, "windowed">,
  ): Stream<K & WindowFields & { readonly [P in L]: TL } & { readonly [P in R]: KIND extends "left" ? TR | null : TR }, K, "windowed"> =>
    streamOf(node("join", [left.node, right.node], { kind: opts?.kind ?? "inner", as: [...(opts?.as ?? ["left", "right"])] }, opts));
