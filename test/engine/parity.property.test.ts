/**
 * The parity guarantee of docs/semantics.md §2 and §8, as properties:
 *
 * 1. with lateness large enough that nothing is late, the final view does not
 *    depend on the input order at all;
 * 2. for any input, interleaving different source keys differently (each
 *    source key keeping its own order) changes neither the final view nor the
 *    set of late elements — for fixed, sliding and session windows, with and
 *    without allowed lateness, whatever the stage key;
 * 3. exact state cleanup (§12) never changes a result.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import type { WindowOptions } from "../../dsl/index.ts";
import { runDirect } from "../../runners/direct/index.ts";
import type { LateElement } from "../../src/engine/index.ts";
import type { WindowFn } from "../../src/window/types.ts";
import { asSet, countPipeline, keepAllPipeline } from "./keyed-harness.ts";
import type { Ev, Keying } from "./keyed-harness.ts";

const windows: readonly WindowFn[] = [L.fixed(10), L.fixed(7, 3), L.sliding(10, 5), L.sliding(10, 4, 1), L.session(5), L.global()];
const triggers: readonly WindowOptions["trigger"][] = [undefined, { early: { every: 2 } }, { late: false }];

/** Events with unique ids, three source keys (d) and two stage keys (k), times around zero. */
const eventsArb = fc
  .array(fc.record({ d: fc.constantFrom("A", "B", "C"), k: fc.constantFrom("u", "v"), ts: fc.integer({ min: -30, max: 60 }) }), { maxLength: 24 })
  .map((es) => es.map((e, id): Ev => ({ ...e, id })));

const setupArb = fc.record({
  fn: fc.constantFrom(...windows),
  trigger: fc.constantFrom(...triggers),
});

const run = async (fn: WindowFn, opts: WindowOptions, keying: Keying, ev: readonly Ev[]) => {
  const r = await runDirect(countPipeline(fn, opts, keying), { inputs: { ev } });
  return { out: r.outputs.out, late: r.late };
};

/** Late elements as a set; the offset is left out because it is the record's position, which reordering moves. */
const lateSet = (ls: readonly LateElement[]) => asSet(ls.map(({ offset: _o, ...rest }) => rest));

/** Interleaves the per-`d` subsequences of `ev`, keeping each one's order; `picks` chooses the next substream. */
const interleave = (ev: readonly Ev[], picks: readonly number[]): Ev[] => {
  const queues = new Map<string, Ev[]>();
  for (const e of ev) queues.set(e.d!, [...(queues.get(e.d!) ?? []), e]);
  const out: Ev[] = [];
  for (let i = 0; out.length < ev.length; i++) {
    const live = [...queues.values()].filter((q) => q.length > 0);
    out.push(live[(picks[i] ?? 0) % live.length]!.shift()!);
  }
  return out;
};

describe("parity properties", () => {
  it("(1) with ample lateness the final view is independent of the input order", async () => {
    const arb = fc
      .tuple(setupArb, fc.constantFrom<Keying>("aligned", "device-to-k"), eventsArb)
      .chain(([setup, keying, ev]) =>
        fc.tuple(fc.constant(setup), fc.constant(keying), fc.constant(ev), fc.shuffledSubarray(ev, { minLength: ev.length, maxLength: ev.length })),
      );
    await fc.assert(
      fc.asyncProperty(arb, async ([{ fn, trigger }, keying, ev, shuffled]) => {
        const opts: WindowOptions = { allowedLateness: 1_000_000, ...(trigger ? { trigger } : {}) };
        const a = await run(fn, opts, keying, ev);
        const b = await run(fn, opts, keying, shuffled);
        expect(a.late).toEqual([]);
        expect(b.late).toEqual([]);
        expect(b.out).toEqual(a.out);
      }),
      { numRuns: 150 },
    );
  });

  it("(2) re-interleaving source keys changes neither the final view nor the late elements", async () => {
    const arb = fc
      .tuple(setupArb, fc.constantFrom(0, 7), fc.constantFrom<Keying>("device-to-k", "device-to-k-and-d", "device-aligned"), eventsArb)
      .chain(([setup, lateness, keying, ev]) =>
        fc.tuple(
          fc.constant(setup),
          fc.constant(lateness),
          fc.constant(keying),
          fc.constant(ev),
          fc.array(fc.nat(), { minLength: ev.length, maxLength: ev.length }),
        ),
      );
    await fc.assert(
      fc.asyncProperty(arb, async ([{ fn, trigger }, lateness, keying, ev, picks]) => {
        const opts: WindowOptions = { allowedLateness: lateness, ...(trigger ? { trigger } : {}) };
        const a = await run(fn, opts, keying, ev);
        const b = await run(fn, opts, keying, interleave(ev, picks));
        expect(b.out).toEqual(a.out);
        expect(lateSet(b.late)).toEqual(lateSet(a.late));
      }),
      { numRuns: 300 },
    );
  });

  // Sessions get their own dense arbitrary: the edge cases (an element just before a session's end
  // arriving just before end + lateness + gap) need times close together.
  const denseSessions = fc.record({ fn: fc.constantFrom(L.session(5), L.session(10)), trigger: fc.constantFrom(...triggers) });
  const denseEvents = fc
    .array(fc.record({ k: fc.constantFrom("u", "v"), ts: fc.integer({ min: 0, max: 40 }) }), { maxLength: 16 })
    .map((es) => es.map((e, id): Ev => ({ ...e, id })));

  it.each([
    ["any window", setupArb, eventsArb],
    ["dense sessions", denseSessions, denseEvents],
  ] as const)("(3) dropping state at end + lateness gives the results of keeping it to the end (%s)", async (_name, setups, events) => {
    const arb = fc.tuple(setups, fc.integer({ min: 0, max: 8 }), events);
    await fc.assert(
      fc.asyncProperty(arb, async ([{ fn, trigger }, lateness, ev]) => {
        const opts: WindowOptions = { allowedLateness: lateness, ...(trigger ? { trigger } : {}) };
        const inputs = { ev: ev.map(({ d: _d, ...e }) => e) };
        const cleaned = await runDirect(countPipeline(fn, opts), { inputs });
        const kept = await runDirect(keepAllPipeline(fn, opts), { inputs });
        expect(cleaned.outputs.out).toEqual(kept.outputs.out);
        expect(cleaned.late).toEqual(kept.late);
      }),
      { numRuns: 200 },
    );
  });
});
