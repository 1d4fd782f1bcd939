/**
 * Sources and tables the Flink job reads from bounded Kafka topics itself (Flink's Kafka
 * connector; the edge rule in GraalJS, `ls_edge`): the DirectRunner's final views, dead letters
 * and late elements on the same records (read back by the Kafka client, in partition and offset
 * order), every dead letter and late element naming its record's partition and offset — through
 * the API and through `lockstep run --in name=kafka://HOST:PORT/TOPIC`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as t from "io-ts";
import { describe, expect, inject, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import flagship from "../../../examples/user-sequences.ts";
import { canonicalJson } from "../../../src/core/canonical.ts";
import { cli, repo, tempDir } from "../../cli/helpers.ts";
import { brokers } from "../kafka/helpers.ts";
import { bothFromTopics, topicRecords, topicWith } from "./topic-helpers.ts";

const gateway = inject("flinkGateway");
const FLAGSHIP = repo("examples/user-sequences.ts");
const lines = (p: string): string[] => readFileSync(repo(p), "utf8").trimEnd().split("\n");

const userOf = (line: string): string | null => {
  try {
    return canonicalJson((JSON.parse(line) as { userId?: unknown }).userId ?? null);
  } catch {
    return null;
  }
};

describe("the Flink runner reads bounded Kafka topics", () => {
  it("the flagship from two topics, events over three partitions with bad messages: the DirectRunner's answer", async () => {
    const bad = [
      { key: canonicalJson("u1"), value: new Uint8Array([0x7b, 0xff, 0x7d]) },
      { key: canonicalJson("u1"), value: null },
      { key: canonicalJson("u2"), value: "[1]" },
      { key: canonicalJson("u2"), value: "not json" },
    ];
    const events = await topicWith("events", 3, [...lines("examples/data/events.jsonl").map((l) => ({ key: userOf(l), value: l })), ...bad]);
    // A tombstone in the table's topic (no value): a compacted topic's deletion, skipped, as the Kafka runner reads a table topic.
    const items = await topicWith("items", 1, [...lines("examples/data/items.jsonl").map((l) => ({ key: null, value: l })), { key: "gone", value: null }]);
    const direct = await bothFromTopics(flagship, { events, items }, [FLAGSHIP]);
    expect(direct.outputs.sequences!.length).toBeGreaterThan(0);
    // The bad messages by hand: each a dead letter of events with its own reason, partition and offset.
    const reasons = direct.deadLetters.filter((d) => d.partition !== undefined && d.reason.match(/UTF-8|null value|an array|invalid JSON: Unexpected/));
    expect(reasons.map((d) => d.reason).sort()).toEqual(
      [
        "empty record (null value)",
        "invalid JSON: expected an object on each line, got an array",
        `invalid JSON: Unexpected token 'o', "not json" is not valid JSON`,
        "invalid UTF-8 (byte 0xFF at byte 2): the record's bytes are kept in rawBase64",
      ].sort(),
    );
    const utf8 = reasons.find((d) => d.reason.includes("UTF-8"))!;
    expect(utf8.rawBase64).toBe("e/99");
    expect(new Set(reasons.map((d) => `${d.partition}/${d.offset}`)).size).toBe(4);
    expect(reasons.every((d) => d.source === "events")).toBe(true);
  });

  it("late elements and a stage's dead letters name the record's partition and offset (§8)", async () => {
    const Ev = t.type({ user: t.string, ts: t.number, d: t.number });
    const def = L.pipeline("late-from-topic", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Ev, { key: "user" }),
        L.withTimestamps((e) => e.field("ts").div(e.field("d"))),
        L.keyBy("d"),
        L.window(L.fixed("10s"), { allowedLateness: "0s" }),
        L.combine({ count: L.count() }),
        sink("counts"),
      ),
    );
    const a = canonicalJson("a");
    const b = canonicalJson("b");
    const msg = (key: string, user: string, ts: number, d = 1) => ({ key, value: JSON.stringify({ user, ts, d }) });
    // a: its clock reaches 25 000 before its 1 000 (late for [0, 10 000)); its 7 / 0 has no time (a dead letter).
    // b: its own clock is 2 000 when its 2 000 arrives: on time, whatever a's clock.
    const topic = await topicWith("late", 2, [msg(a, "a", 500), msg(a, "a", 25_000), msg(b, "b", 2_000), msg(a, "a", 1_000), msg(a, "a", 7, 0)]);
    const direct = await bothFromTopics(def, { events: topic });
    const pa = (await topicRecords(topic)) as Iterable<{ partition?: number; value?: unknown }>;
    const partitionOfA = [...pa].find((r) => (r.value as { user?: string })?.user === "a")!.partition;
    // Partition by hand: a's records are offsets 0, 1, 2, 3 of a's partition (b is alone in its own, or after a's).
    // (A late element names its source and offset; a dead letter its partition too, as on every runner.)
    expect(direct.late.map((l) => [l.source, l.offset])).toEqual([["events", 2]]);
    expect(direct.deadLetters.map((d) => [d.stage, d.partition, d.offset])).toEqual([[expect.stringMatching(/withTimestamps/), partitionOfA, 3]]);
  });

  it("lockstep run --in events=kafka://…: the sink file the DirectRunner writes from the same lines", async () => {
    const dir = tempDir();
    const events = await topicWith(
      "cli-events",
      3,
      lines("examples/data/events.jsonl").map((l) => ({ key: userOf(l), value: l })),
    );
    const out = (r: string) => join(dir, `sequences-${r}.jsonl`);
    const items = repo("examples/data/items.jsonl");
    const direct = await cli(
      "run",
      FLAGSHIP,
      "--in",
      `events=${repo("examples/data/events.jsonl")}`,
      "--in",
      `items=${items}`,
      "--out",
      `sequences=${out("direct")}`,
      "-q",
    );
    expect(direct.code, direct.err).toBe(0);
    const flink = await cli(
      "run",
      FLAGSHIP,
      "--runner",
      "flink",
      "--gateway",
      gateway,
      "--in",
      `events=kafka://${brokers().join(",")}/${events}`,
      "--in",
      `items=${items}`,
      "--out",
      `sequences=${out("flink")}`,
    );
    expect(flink.code, flink.err).toBe(0);
    expect(readFileSync(out("flink"), "utf8")).toBe(readFileSync(out("direct"), "utf8"));
    // The summary counts the topic's records as read.
    expect(flink.err).toMatch(new RegExp(`events\\D+${lines("examples/data/events.jsonl").length}\\b`));
  });
});
