import { describe, expect, it } from "vitest";
import { BASE_TIME_MS, type NexmarkEvent, nexmarkConfig, nexmarkEvent, nexmarkEvents, nexmarkJsonLine } from "../../src/nexmark/index.ts";

// Properties Beam's generator documents (GeneratorConfig, *Generator.java), checked on the output.
// The bit-for-bit comparison against Beam's own code is golden.test.ts.
const config = nexmarkConfig({ events: 5000 });
const events = [...nexmarkEvents(config)];
const of = <T extends NexmarkEvent["type"]>(t: T) => events.filter((e): e is Extract<NexmarkEvent, { type: T }> => e.type === t);

describe("the Nexmark stream", () => {
  it("is 1 person : 3 auctions : 46 bids in every 50 events, in that order", () => {
    for (let n = 0; n < events.length; n++) {
      const want = n % 50 === 0 ? "person" : n % 50 <= 3 ? "auction" : "bid";
      expect(events[n]?.type, `event ${n}`).toBe(want);
    }
  });

  it("numbers people and auctions consecutively from 1000", () => {
    expect(of("person").map((p) => p.id)).toEqual(of("person").map((_, i) => 1000 + i));
    expect(of("auction").map((a) => a.id)).toEqual(of("auction").map((_, i) => 1000 + i));
  });

  it("spaces events 100 µs apart at 10,000 events/s from 2015-07-15T00:00:00Z", () => {
    expect(BASE_TIME_MS).toBe(Date.UTC(2015, 6, 15));
    events.forEach((e, n) => expect(e.dateTime).toBe(BASE_TIME_MS + Math.floor(n / 10)));
  });

  it("with more generators stretches time but keeps every id and payload", () => {
    const four = nexmarkConfig({ events: 200, generators: 4 });
    for (let n = 0; n < 200; n++) {
      const { dateTime, ...rest } = nexmarkEvent(four, n) as NexmarkEvent & { expires?: number };
      const { dateTime: t1, ...one } = events[n] as NexmarkEvent & { expires?: number };
      expect(dateTime).toBe(BASE_TIME_MS + Math.floor((n * 400) / 1000));
      delete rest.expires;
      delete one.expires;
      expect(rest).toEqual(one);
    }
  });

  it("refers only to people and auctions that exist or are at most 10 ahead", () => {
    let lastPerson = 999;
    let lastAuction = 999;
    for (const e of events) {
      if (e.type === "person") lastPerson = e.id;
      else if (e.type === "auction") {
        lastAuction = e.id;
        expect(e.seller).toBeGreaterThanOrEqual(1000);
        expect(e.seller).toBeLessThanOrEqual(lastPerson + 10);
        expect(e.category).toBeGreaterThanOrEqual(10);
        expect(e.category).toBeLessThan(15);
        expect(e.expires).toBeGreaterThan(e.dateTime);
        expect(e.reserve).toBeGreaterThanOrEqual(e.initialBid);
      } else {
        expect(e.auction).toBeLessThanOrEqual(lastAuction + 10);
        expect(e.bidder).toBeLessThanOrEqual(lastPerson + 10);
        expect(e.price).toBeGreaterThanOrEqual(1);
        expect(e.price).toBeLessThanOrEqual(100_000_000);
      }
    }
  });

  it("pads records to Beam's average sizes (person 200, auction 500, bid 100 bytes)", () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const bidSize = mean(of("bid").map((b) => 32 + b.extra.length));
    const auctionSize = mean(of("auction").map((a) => 48 + a.itemName.length + a.description.length + a.extra.length));
    expect(Math.abs(bidSize - 100)).toBeLessThan(3);
    expect(Math.abs(auctionSize - 500)).toBeLessThan(10);
  });

  it("writes each event as JSON that parses back to it, with Beam's field names in order", () => {
    for (const e of events.slice(0, 500)) {
      const line = nexmarkJsonLine(e);
      expect(JSON.parse(line)).toEqual(e);
      expect(line).toBe(JSON.stringify(e));
    }
    expect(
      events.some((e) => "extra" in e && e.extra.includes("\\")),
      "some extra holds a backslash",
    ).toBe(true);
  });

  it("makes any range of the stream on its own", () => {
    const later = nexmarkConfig({ events: 100, firstEvent: 1234 });
    for (let n = 0; n < 100; n++) expect(nexmarkEvent(later, n)).toEqual(events[1234 + n]);
  });

  it("refuses configurations Beam would not run", () => {
    expect(() => nexmarkConfig({ events: -1 })).toThrow(/events must be an integer ≥ 0/);
    expect(() => nexmarkConfig({ generators: 0 })).toThrow(/generators/);
    expect(() => nexmarkConfig({ events: 1.5 })).toThrow(/events/);
  });
});

describe("writeNexmarkJsonl", () => {
  it("waits for a slow reader without piling up listeners, and writes every event once", async () => {
    const { Writable } = await import("node:stream");
    const { writeNexmarkJsonl } = await import("../../src/nexmark/index.ts");
    let bytes = 0;
    let lines = 0;
    let drains = 0;
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        for (const b of chunk) if (b === 10) lines++;
        setImmediate(done);
      },
    });
    slow.on("drain", () => drains++);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    const n = await writeNexmarkJsonl(nexmarkConfig({ events: 60_000 }), slow);
    process.off("warning", onWarning);
    expect(n).toBe(60_000);
    expect(lines).toBe(60_000);
    expect(bytes).toBeGreaterThan(11 * 2 ** 20); // more than ten 1 MiB chunks, so more than ten waits
    expect(drains).toBeGreaterThan(10);
    expect(slow.listenerCount("drain")).toBe(1); // only the test's own
    expect(slow.listenerCount("close") + slow.listenerCount("error")).toBeLessThanOrEqual(2);
    expect(warnings.map((w) => w.name)).not.toContain("MaxListenersExceededWarning");
  });
});
