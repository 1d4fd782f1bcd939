/**
 * The Nexmark queries (examples/nexmark) on generated Nexmark streams: the DirectRunner's final view
 * equals the ArqueroBatchRunner's, and both equal a hand-written TypeScript reference computed
 * straight from the events (nexmark-reference.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, compareStrings } from "../../src/core/canonical.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import { type NexmarkEvent, nexmarkConfig, nexmarkEvents } from "../../src/nexmark/index.ts";
import q0 from "../../examples/nexmark/q0.ts";
import q1 from "../../examples/nexmark/q1.ts";
import q2 from "../../examples/nexmark/q2.ts";
import q3 from "../../examples/nexmark/q3.ts";
import q4 from "../../examples/nexmark/q4.ts";
import q5, { hotAuctions } from "../../examples/nexmark/q5.ts";
import q6, { meanOfLatest } from "../../examples/nexmark/q6.ts";
import q7, { highestBids } from "../../examples/nexmark/q7.ts";
import q8 from "../../examples/nexmark/q8.ts";
import q9 from "../../examples/nexmark/q9.ts";
import q11 from "../../examples/nexmark/q11.ts";
import { winningBid } from "../../examples/nexmark/winning-bids.ts";
import { checkParity } from "../runners/arquero/parity.ts";
import * as reference from "./nexmark-reference.ts";

/** A bag of rows, order-free but counting duplicates. */
const bag = (rows: readonly unknown[]): string[] => rows.map(canonicalJson).sort(compareStrings);

// Beam's rate (10,000 events/s) puts 10,000 events in one second of event time; 100 events/s spreads
// them over 100 s, so there are ten 10 s windows and bidders with several sessions.
const STREAMS: [string, NexmarkEvent[]][] = [
  ["10,000 events at 100 events/s", [...nexmarkEvents(nexmarkConfig({ events: 10_000, rate: 100 }))]],
  ["5,000 events at Beam's 10,000 events/s", [...nexmarkEvents(nexmarkConfig({ events: 5_000 }))]],
];

type Query = { name: string; pipeline: Pipeline<any>; reference?: (events: readonly NexmarkEvent[]) => unknown[] };
const QUERIES: Query[] = [
  { name: "q0", pipeline: q0, reference: reference.q0 },
  { name: "q1", pipeline: q1, reference: reference.q1 },
  { name: "q2", pipeline: q2, reference: reference.q2 },
  { name: "q3", pipeline: q3, reference: reference.q3 },
  { name: "q4", pipeline: q4, reference: reference.q4 },
  { name: "q5", pipeline: q5, reference: reference.q5 },
  { name: "q6", pipeline: q6, reference: reference.q6 },
  { name: "q7", pipeline: q7, reference: reference.q7 },
  { name: "q8", pipeline: q8, reference: reference.q8 },
  { name: "q9", pipeline: q9, reference: reference.q9 },
  { name: "q11", pipeline: q11, reference: reference.q11 },
];

describe.each(STREAMS)("Nexmark on %s", (_label, events) => {
  it.each(QUERIES)("$name: Direct = Arquero = the hand-written reference", async ({ pipeline, reference: expected }) => {
    const { direct } = await checkParity(pipeline, { inputs: { events } });
    expect(direct.deadLetters).toEqual([]);
    // The generator's event times never decrease and the source is one substream: nothing is late.
    expect(direct.late).toEqual([]);
    const out = direct.outputs.out!;
    expect(out.length).toBeGreaterThan(0);
    if (expected) expect(bag(out)).toEqual(bag(expected(events)));
  });
});

/** Folds `inputs` as a runner may: split into groups at the given cuts, each group added in order, the groups merged in order. */
const fold = <A, I, O>(
  c: { create(): A; add(a: A, i: I, ts: number): A; merge(a: A, b: A): A; extract(a: A): O },
  inputs: readonly I[],
  cuts: readonly number[],
): O => {
  const bounds = [0, ...[...cuts].map((x) => x % (inputs.length + 1)).sort((a, b) => a - b), inputs.length];
  const groups = bounds.slice(1).map((end, i) => inputs.slice(bounds[i], end));
  return c.extract(groups.map((g) => g.reduce((acc, x) => c.add(acc, structuredClone(x), 0), c.create())).reduce((a, b) => c.merge(a, b), c.create()));
};

/** Checks that a combiner's result depends only on the multiset of its inputs (docs/semantics.md §10). */
const orderFree = <I>(c: Parameters<typeof fold<unknown, I, unknown>>[0], inputs: fc.Arbitrary<I[]>) =>
  fc.assert(
    fc.property(inputs, fc.array(fc.nat()), fc.array(fc.nat()), fc.nat(), (xs, cutsA, cutsB, seed) => {
      const shuffled = xs
        .map((x, i) => [((i + 1) * 2654435761 + seed) % 4294967296, x] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, x]) => x);
      expect(canonicalJson(fold(c, shuffled, cutsB) as never)).toBe(canonicalJson(fold(c, xs, cutsA) as never));
    }),
    { numRuns: 200 },
  );

const bidArb = fc.record({
  auction: fc.constant(1000),
  bidder: fc.integer({ min: 1000, max: 1003 }),
  price: fc.integer({ min: 1, max: 6 }),
  dateTime: fc.integer({ min: 0, max: 8 }),
  extra: fc.constantFrom("", "a", "b"),
});

describe("the queries' combiners give one result for any order and grouping of their inputs", () => {
  it("q5 hotAuctions", () => orderFree(hotAuctions, fc.array(fc.integer({ min: 1000, max: 1005 }))));
  it("q6 meanOfLatest", () => orderFree(meanOfLatest, fc.array(bidArb, { maxLength: 25 })));
  it("q7 highestBids", () => orderFree(highestBids, fc.array(bidArb)));
  it("winningBid (q4, q6, q9), the auction anywhere among its bids", () =>
    orderFree(
      winningBid,
      fc
        .tuple(
          fc.array(bidArb.map((b) => ({ type: "bid", ...b }))),
          fc.option(
            fc.record({
              type: fc.constant("auction"),
              id: fc.constant(1000),
              reserve: fc.integer({ min: 1, max: 6 }),
              expires: fc.integer({ min: 0, max: 8 }),
            }),
          ),
        )
        .map(([bids, auction]) => (auction === null ? bids : [auction, ...bids]) as never[]),
    ));
});

describe("winningBid", () => {
  const auction = {
    type: "auction",
    id: 1000,
    itemName: "",
    description: "",
    initialBid: 1,
    reserve: 50,
    dateTime: 0,
    expires: 100,
    seller: 7,
    category: 10,
    extra: "",
  };
  const bid = (price: number, dateTime: number, bidder = 1) => ({ type: "bid", auction: 1000, bidder, price, dateTime, extra: "" });
  const win = (xs: object[]) => fold(winningBid, xs as never[], []);

  it("is the highest bid at or above the reserve before expiry, the earliest of equal ones", () => {
    const w = win([bid(60, 5), bid(40, 1), bid(90, 100), bid(70, 9, 2), auction, bid(70, 3, 3), bid(70, 3, 4)]);
    // 40: under the reserve; 90: at expiry (not before); 70 at time 3 beats 70 at time 9; bidder 3 beats 4.
    expect(w?.bid).toEqual({ auction: 1000, bidder: 3, price: 70, dateTime: 3, extra: "" });
    expect(w?.auction).toMatchObject({ id: 1000, seller: 7, category: 10 });
  });

  it("is null without the auction or without a valid bid", () => {
    expect(win([bid(60, 5)])).toBeNull();
    expect(win([auction, bid(49, 5), bid(60, 100)])).toBeNull();
  });
});

describe("q7's combiner", () => {
  const bid = (price: number, dateTime: number, bidder = 1) => ({ auction: 1000, bidder, price, dateTime, extra: "" });
  const run = (groups: ReturnType<typeof bid>[][]) =>
    highestBids.extract(
      groups
        .map((g) => g.reduce((acc, b) => highestBids.add(acc, b, b.dateTime), highestBids.create()))
        .reduce((a, b) => highestBids.merge(a, b), highestBids.create()),
    );

  it("keeps every bid at the highest price, whatever the order and grouping", () => {
    const bids = [bid(5, 3), bid(9, 4), bid(9, 1, 2), bid(2, 0), bid(9, 1, 1)];
    const want = [bid(9, 1, 1), bid(9, 1, 2), bid(9, 4)];
    expect(run([bids])).toEqual(want);
    expect(run([[...bids].reverse()])).toEqual(want);
    expect(run([bids.slice(0, 2), [], bids.slice(2)])).toEqual(want);
    expect(run([bids.slice(3), bids.slice(0, 3)])).toEqual(want);
  });

  it("of no bids is empty", () => {
    expect(run([])).toEqual([]);
  });
});
