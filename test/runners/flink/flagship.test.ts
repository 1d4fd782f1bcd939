/**
 * The flagship (`examples/user-sequences.ts`: dispatch with keep, drop and
 * an executor; dedupe; a point-in-time lookup; keyBy; sequence) run with
 * `lockstep run --runner flink` as a user runs it writes the DirectRunner's
 * sink and dead-letter files byte for byte — on the example's data, and on
 * that data with every tie the rules decide added: equal times within a
 * user, versions of one item valid from the same time, duplicate event ids
 * with different content, views either side of the executor's filter.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { cli, repo, tempDir } from "../../cli/helpers.ts";

const gateway = inject("flinkGateway");

describe("the flagship on Flink", () => {
  const dir = tempDir();

  /** Runs the flagship on both runners over `events` and `items`; returns the DirectRunner's files. */
  const both = async (name: string, events: string, items: string): Promise<{ out: string; dead: string }> => {
    const files = (runner: string) => [
      "--out",
      `sequences=${join(dir, `${name}-${runner}.jsonl`)}`,
      "--dead-letters",
      join(dir, `${name}-${runner}-dead.jsonl`),
    ];
    const args = ["run", repo("examples/user-sequences.ts"), "--in", `events=${events}`, "--in", `items=${items}`, "-q"];
    const direct = await cli(...args, ...files("direct"));
    expect(direct.code, direct.err).toBe(0);
    const flink = await cli(...args, "--runner", "flink", "--gateway", gateway, ...files("flink"));
    expect(flink.code, flink.err).toBe(0);
    const read = (f: string) => readFileSync(join(dir, f), "utf8");
    expect(read(`${name}-flink.jsonl`)).toBe(read(`${name}-direct.jsonl`));
    expect(read(`${name}-flink-dead.jsonl`)).toBe(read(`${name}-direct-dead.jsonl`));
    return { out: read(`${name}-direct.jsonl`), dead: read(`${name}-direct-dead.jsonl`) };
  };

  it("examples/data: the DirectRunner's output file, dead letters included", async () => {
    const { out, dead } = await both("example", repo("examples/data/events.jsonl"), repo("examples/data/items.jsonl"));
    expect(out.split("\n").filter(Boolean)).toHaveLength(6);
    expect(dead.split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("with the ties the rules decide: the DirectRunner's files", async () => {
    const events = readFileSync(repo("examples/data/events.jsonl"), "utf8").trimEnd().split("\n");
    const items = readFileSync(repo("examples/data/items.jsonl"), "utf8").trimEnd().split("\n");
    const extra = [
      // Equal times within one user: ranked by eventId (value order); "\u{1F600}" vs "\uE000" is where UTF-16 and code-point order differ.
      { eventId: "\u{1F600}", userId: "u1", itemId: "i1", type: "save", ts: 1793600000000 },
      { eventId: "\uE000", userId: "u1", itemId: "i2", type: "click", ts: 1793600000000 },
      { eventId: "t-a", userId: "u1", itemId: "i3", type: "save", ts: 1793600000000 },
      // A duplicate id with other content: dedupe keeps the first in arrival order.
      { eventId: "t-a", userId: "u1", itemId: "i4", type: "save", ts: 1793600000001 },
      // A view long enough, one too short (the executor's filter), a hide (dropped).
      { eventId: "t-v1", userId: "u2", itemId: "i5", type: "view", ts: 1793600000000, durationMs: 1000 },
      { eventId: "t-v2", userId: "u2", itemId: "i5", type: "view", ts: 1793600000000, durationMs: 999 },
      { eventId: "t-h", userId: "u2", itemId: "i5", type: "hide", ts: 1793600000002 },
      // An item nobody versioned: category null.
      { eventId: "t-n", userId: "u9", itemId: "nope", type: "click", ts: 5 },
    ].map((e) => JSON.stringify(e));
    // Two versions of i1 valid from one time: the greater canonical JSON ("zz" > "aa") is the one taken.
    const moreItems = [
      { itemId: "i1", category: "aa", updatedAt: 1793599999999 },
      { itemId: "i1", category: "zz", updatedAt: 1793599999999 },
    ].map((e) => JSON.stringify(e));
    const ev = join(dir, "tie-events.jsonl");
    const it_ = join(dir, "tie-items.jsonl");
    writeFileSync(ev, `${[...events, ...extra].join("\n")}\n`);
    writeFileSync(it_, `${[...items, ...moreItems].join("\n")}\n`);
    const { out } = await both("ties", ev, it_);
    const u1 = out
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { userId: string; events: { itemId: string; category: string | null }[] })
      .find((r) => r.userId === "u1")!;
    // The rules by hand: the duplicate t-a (ts …001) was dropped by dedupe, so the three at …000 rank first
    // in value order ("t-a" < "\u{1F600}" < "\uE000" by UTF-16 code unit); i1's category is the later-sorting "zz".
    expect(u1.events.slice(0, 3).map((e) => e.itemId)).toEqual(["i3", "i1", "i2"]);
    expect(u1.events[1]!.category).toBe("zz");
  });
});
