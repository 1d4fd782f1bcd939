import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type NexmarkConfig, nexmarkConfig, nexmarkEvent, nexmarkJsonLine, writeNexmarkJsonl } from "../../src/nexmark/index.ts";
import { referenceEvent, referenceJsonl } from "./reference-generator.ts";

// The fast path draws events straight into bytes; these compare its output, byte for byte, with the
// plain generator kept in reference-generator.ts (objects, strings, JSON.stringify).

/** Everything writeNexmarkJsonl writes, as one Buffer. */
async function written(config: NexmarkConfig): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk)); // a copy: the writer may reuse nothing, but the test should not depend on it
      done();
    },
  });
  await writeNexmarkJsonl(config, sink);
  return Buffer.concat(chunks);
}

describe("the fast JSON lines against the plain generator", () => {
  it.each([
    ["100k events, one generator", { events: 100_000 }],
    ["60k events from event 1,000,000, three generators", { events: 60_000, firstEvent: 1_000_000, generators: 3 }],
    ["40k events, seven generators, 1,000 events/s", { events: 40_000, generators: 7, rate: 1000 }],
    [
      "5k events with Beam's sizes raised tenfold (longer lines than any default)",
      { events: 5000, avgPersonByteSize: 2000, avgAuctionByteSize: 5000, avgBidByteSize: 1000 },
    ],
  ] as const)("%s", async (_name, overrides) => {
    const config = nexmarkConfig(overrides);
    const got = await written(config);
    const want = Buffer.from(referenceJsonl(config), "latin1");
    expect(got.length).toBe(want.length);
    // Comparing lines on a mismatch names the first event that differs rather than dumping megabytes.
    if (!got.equals(want)) {
      const a = got.toString("latin1").split("\n");
      const b = want.toString("latin1").split("\n");
      const n = a.findIndex((line, i) => line !== b[i]);
      expect({ n, line: a[n] }).toEqual({ n, line: b[n] });
    }
    const text = got.toString("latin1");
    for (const type of ["person", "auction", "bid"]) expect(text).toContain(`{"type":"${type}"`);
    expect(text, "some extra holds an escaped backslash").toContain("\\\\");
  });

  it("gives the same objects and lines one event at a time", () => {
    const config = nexmarkConfig({ events: 20_000, generators: 2 });
    for (let n = 0; n < config.events; n++) {
      const want = referenceEvent(config, n);
      const got = nexmarkEvent(config, n);
      if (JSON.stringify(got) !== JSON.stringify(want)) expect({ n, got }).toEqual({ n, got: want });
      expect(nexmarkJsonLine(got)).toBe(JSON.stringify(want));
    }
  });
});
