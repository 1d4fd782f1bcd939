/**
 * The Nexmark queries (examples/nexmark) on generated Nexmark streams: the DirectRunner's final view
 * equals the ArqueroBatchRunner's, and both equal a hand-written TypeScript reference computed
 * straight from the events (nexmark-reference.ts).
 */
import { describe, expect, it } from "vitest";
import { canonicalJson, compareStrings } from "../../src/core/canonical.ts";
import type { Pipeline } from "../../src/plan/graph.ts";
import { type NexmarkEvent, nexmarkConfig, nexmarkEvents } from "../../src/nexmark/index.ts";
import q0 from "../../examples/nexmark/q0.ts";
import q1 from "../../examples/nexmark/q1.ts";
import q2 from "../../examples/nexmark/q2.ts";
import q3 from "../../examples/nexmark/q3.ts";
import q7, { highestBids } from "../../examples/nexmark/q7.ts";
import q11 from "../../examples/nexmark/q11.ts";
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
  { name: "q7", pipeline: q7, reference: reference.q7 },
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
