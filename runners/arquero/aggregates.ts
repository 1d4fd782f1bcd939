/**
 * Aggregates registered through arquero's extension point
 * (`aq.addAggregateFunction`), so that `groupby().rollup()` computes them:
 *
 * - `ls_fsum(x)`, `ls_fmean(x)`: the exactly rounded sum (Shewchuk, the
 *   engine's own `fsum`) — bit-identical to the DirectRunner in any order;
 * - `ls_first(x, t)`, `ls_last(x, t)`: the engine's first/last combiners
 *   (ties on time broken by value order);
 * - `ls_combiner(pair, key)`: any combiner (a user's custom one) fed
 *   `[input, eventTime]` pairs in scan order; `key` names it in a run-scoped
 *   table, since expressions are re-parsed and cannot capture it.
 *
 * Arquero skips null inputs before `add`, which is what every built-in
 * wants; custom combiners see nulls because their input is a pair.
 *
 * @module
 */
import * as aq from "arquero";
import { firstCombiner, lastCombiner } from "../../src/combine/builtin/firstlast.ts";
import { numericInput } from "../../src/combine/builtin/numeric.ts";
import { fsumAdd, fsumValue } from "../../src/combine/fsum.ts";
import type { Combiner } from "../../src/combine/types.ts";

// biome-ignore lint/suspicious/noExplicitAny: arquero's aggregate state objects are untyped fields it owns
type State = Record<string, any>;

/** Combiners of the runs in progress, by key. */
const combiners = new Map<string, Combiner>();
let nextKey = 0;

/** Makes `c` available to `ls_combiner` under a fresh key; call the returned function to forget it. */
export const shareCombiner = (c: Combiner): { key: string; release: () => void } => {
  const key = `c${nextKey++}`;
  combiners.set(key, c);
  return { key, release: () => void combiners.delete(key) };
};

/** Arquero's aggregate definition type (its `add` is typed with one value; two-field aggregates get two). */
type AggregateDef = Parameters<typeof aq.addAggregateFunction>[1];

const timed = (name: string, c: Combiner): AggregateDef =>
  ({
    create: () => ({
      init: (s: State) => void (s[name] = c.create()),
      add: (s: State, v: unknown, t: number) => void (s[name] = c.add(s[name], v, t)),
      rem: () => {
        throw new Error(`${name} cannot remove values (it is not used in sliding frames)`);
      },
      value: (s: State) => c.extract(s[name]),
    }),
    param: [2, 0],
  }) as unknown as AggregateDef;

let registered = false;

/** Registers the aggregates (once). */
export const registerAggregates = (): void => {
  if (registered) return;
  registered = true;
  aq.addAggregateFunction(
    "ls_fsum",
    {
      create: () => ({
        init: (s: State) => void (s.ls_fsum = []),
        add: (s: State, v: unknown) => {
          const x = numericInput(v);
          if (x !== null) fsumAdd(s.ls_fsum, x);
        },
        rem: () => {
          throw new Error("ls_fsum cannot remove values");
        },
        value: (s: State) => fsumValue(s.ls_fsum),
      }),
      param: [1, 0],
    },
    { override: true },
  );
  aq.addAggregateFunction(
    "ls_fmean",
    {
      create: () => ({
        init: (s: State) => void ((s.ls_fmean_p = []), (s.ls_fmean_n = 0)),
        add: (s: State, v: unknown) => {
          const x = numericInput(v);
          if (x === null) return;
          fsumAdd(s.ls_fmean_p, x);
          s.ls_fmean_n++;
        },
        rem: () => {
          throw new Error("ls_fmean cannot remove values");
        },
        value: (s: State) => (s.ls_fmean_n === 0 ? null : fsumValue(s.ls_fmean_p) / s.ls_fmean_n),
      }),
      param: [1, 0],
    },
    { override: true },
  );
  aq.addAggregateFunction("ls_first", timed("ls_first", firstCombiner), { override: true });
  aq.addAggregateFunction("ls_last", timed("ls_last", lastCombiner), { override: true });
  aq.addAggregateFunction(
    "ls_combiner",
    {
      create: (key: string) => {
        const c = combiners.get(key);
        if (!c) throw new Error(`internal: no combiner shared as "${key}"`);
        const slot = `ls_combiner_${key}`;
        return {
          init: (s: State) => void (s[slot] = c.create()),
          add: (s: State, pair: [unknown, number]) => void (s[slot] = c.add(s[slot], pair[0], pair[1])),
          rem: () => {
            throw new Error("ls_combiner cannot remove values");
          },
          value: (s: State) => c.extract(s[slot]),
        };
      },
      param: [1, 1],
    },
    { override: true },
  );
};
