/**
 * `withTimestamps`' rules: assigns event time and advances the element's
 * source-key clock, which is what lateness is judged against downstream (see
 * docs/semantics.md, "Lateness"). The stage itself is a step of a fused chain
 * (`chain.ts`); these are the rules it applies.
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import type { EngineContext } from "../operator.ts";
import type { KeyedStore } from "../state.ts";

/** The clocks of stage `id`: the state store `clocks`, keyed by source key (clock id). */
export const clocksOf = (ctx: EngineContext, id: string): KeyedStore<number> => ctx.state.store<number>(id, "clocks");

/** Why `t` cannot be an event time (the dead letter's reason), or undefined when it is a finite number of ms. */
export const eventTimeProblem = (t: unknown): string | undefined =>
  typeof t === "number" && Number.isFinite(t) ? undefined : `event time is ${canonicalJson(t)}, not a finite number of ms`;

/** Advances the clock of `sk` to event time `t` (a clock never goes back) and returns it: the element's clock. */
export const advanceClock = (clocks: KeyedStore<number>, sk: string, t: number): number => {
  const prev = clocks.get(sk);
  const c = prev === undefined || t > prev ? t : prev;
  if (c !== prev) clocks.set(sk, c);
  return c;
};

/** The largest clock in `clocks`, -Infinity if none (for idle-time firing). */
export const largestClock = (clocks: KeyedStore<number>): number => {
  let c = -Infinity;
  for (const k of clocks.keys()) c = Math.max(c, clocks.get(k)!);
  return c;
};
