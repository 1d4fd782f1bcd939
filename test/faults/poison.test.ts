/**
 * Fault suite: poison input written straight into the source topic of a
 * follow-mode runner process that is SIGKILLed and restarted meanwhile
 * (window-count, 3 partitions). Among the seeded events go malformed JSON,
 * wrong types, a BOM, CR and CRLF endings, duplicate JSON keys, top-level
 * arrays and scalars, null keys, null values, empty and blank messages, deep
 * nesting, invalid UTF-8, 1e400 and messages of ~900 KB.
 *
 * Every record in is accounted for: messages = the counts in the final view +
 * late elements + elements of the far windows that never close + dead letters.
 * The DirectRunner on the same bytes as a JSONL file (a message that cannot be a
 * line — a newline inside — is given as the line with the same JSON value; a
 * null value has no line) gives the same final view and the same dead letters
 * as a set, each once on Kafka despite the kills; a null value is one more
 * dead letter. The runner never crashes or stalls.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { OutMessage } from "../../runners/kafka/client.ts";
import { partitionFor } from "../../runners/kafka/murmur2.ts";
import { runDirect } from "../../runners/direct/index.ts";
import windowCount from "../../examples/window-count.ts";
import { canonicalJson } from "../../src/core/canonical.ts";
import { appTopics, bag, freshApp, jsonl, kafkaForTests, keyedEvents, rng, sinkView, waitForView, waitUntil } from "../runners/kafka/helpers.ts";
import { FAULT_EVENTS, FAULT_KILLS, FAULT_SEED, committedCount, committedDeadLetters, deadLetterFacts, kill, startRunner, terminate } from "./harness.ts";

const { client, topics } = kafkaForTests();
const b = (s: string) => Buffer.from(s, "utf8");
const deep = "[".repeat(5000) + "]".repeat(5000);
const invalidUtf8 = Buffer.concat([b('{"key":"b'), Buffer.from([0xff]), b('","ts":2000}')]);

/** A poison message: its Kafka key and value, and the JSONL line the DirectRunner gets for it (none for a null value). */
interface Poison {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly line: Buffer | undefined;
}
const same = (text: string | Buffer, key: string | null = null): Poison => {
  const value = typeof text === "string" ? b(text) : text;
  return { key, value, line: value };
};

/** The poison, in the order it is mixed into the events. Accepted ones use the events' keys, so their windows close. */
const POISON: readonly Poison[] = [
  // malformed JSON
  same('{"key":"a",'),
  same("}{"),
  same("not json"),
  same('{"key":"a","ts":1000}}'),
  same("{'key':'a','ts':1000}"),
  same('{"key":"a","ts":01}'),
  // wrong types
  same('{"key":1,"ts":1000}'),
  same('{"key":"a","ts":true}'),
  same('{"key":"a","ts":null}'),
  same('{"key":null,"ts":5}'),
  same('{"key":["a"],"ts":5}'),
  same('{"key":"a","ts":"1000"}'),
  // a byte-order mark, CR and CRLF endings
  same('\uFEFF{"key":"a","ts":1000}'),
  same('{"key":"b","ts":2000}\r', '"b"'),
  // (as a line: the file's own CRLF ending)
  { key: '"c"', value: b('{"key":"c","ts":2500}\r\n'), line: b('{"key":"c","ts":2500}\r') },
  // duplicate keys (the last one wins in JSON.parse, on every runner)
  same('{"key":"d","key":"e","ts":3000}', '"e"'),
  same('{"key":"a","ts":1,"ts":"x"}'),
  // top-level arrays and scalars
  same("[1,2]"),
  same('[{"key":"a","ts":1}]'),
  same("[]"),
  same("null"),
  same("42"),
  same('"text"'),
  same("true"),
  // empty and blank
  same(""),
  same(" \t "),
  // deep nesting, invalid UTF-8, a number JSON cannot hold
  same(`{"key":"deep","x":${deep}}`),
  same(invalidUtf8),
  same('{"key":"inf","ts":1e400}'),
  // huge: ~900 KB of JSON (a valid record with a large field) and of bytes that are not JSON
  same(`{"key":"a","ts":4000,"pad":"${"x".repeat(900_000)}"}`, '"a"'),
  same(Buffer.alloc(900_000, 0x01)),
  // null keys: a valid record and a bad one without a Kafka key
  same('{"key":"b","ts":4500}'),
  same('{"key":"b","ts":"later"}'),
  // Kafka-only shapes: a null value (no line), a newline inside the value (the line holds the same JSON value)
  { key: '"c"', value: null, line: undefined },
  { key: '"d"', value: b('{"key":"d",\n"ts":3500}'), line: b('{"key":"d", "ts":3500}') },
];

/** The partition a message goes to: its key's (the source key of a valid record), else partition 0. */
const partitionOf = (key: string | null, value: Buffer | null): number => {
  if (key !== null) return partitionFor(key, 3);
  try {
    const v = JSON.parse(value?.toString("utf8") ?? "") as { key?: unknown };
    if (typeof v?.key === "string") return partitionFor(canonicalJson(v.key), 3);
  } catch {}
  return 0;
};

describe(`poison straight into the topic during a fault run (SIGKILL ×${FAULT_KILLS}, ${FAULT_EVENTS} events)`, () => {
  it("records in = accepted + dead letters; the DirectRunner's view and dead letters on the same bytes; never a crash or stall", async () => {
    const params = { window: "fixed:10s", lateness: "2s" };
    const app = freshApp("fault-poison");
    topics.push(...appTopics(windowCount, app, params));
    const FAR = 1e12;
    // Seeded events with the poison mixed in at seeded places, then a far record per key that closes every real window.
    const r = rng(FAULT_SEED + 1);
    const events = keyedEvents(FAULT_SEED, FAULT_EVENTS);
    const messages: Poison[] = events.map((row) => {
      const text = typeof row === "string" ? row : JSON.stringify(row);
      const key = typeof row === "string" ? null : canonicalJson((row as { key: string }).key);
      return same(text, key);
    });
    for (const p of POISON) messages.splice(r.int(0, messages.length), 0, p);
    messages.push(...["a", "b", "c", "d", "e"].map((key) => same(JSON.stringify({ key, ts: FAR }), canonicalJson(key))));

    // The DirectRunner on the same bytes, as lines of a JSONL file.
    const path = jsonl("poison-events", []);
    const lines = messages.flatMap((m) => (m.line ? [m.line] : []));
    writeFileSync(path, Buffer.concat(lines.flatMap((l) => [l, b("\n")])));
    const direct = await runDirect(windowCount, { inputs: { events: path }, params });
    const src = direct.metrics.events!;
    expect({ read: src.in, accounted: src.out + src.deadLetters }, "Direct: records in = accepted + dead letters").toEqual({
      read: lines.length,
      accounted: lines.length,
    });
    const expected = (direct.outputs.counts as { windowStart: number }[]).filter((w) => w.windowStart < FAR);

    const source = `${app.topicPrefix}events`;
    const sink = `${app.topicPrefix}counts`;
    const send = async (batch: readonly Poison[]) => {
      const producer = await client.producer();
      try {
        // A ~900 KB message goes alone: a record batch over the broker's 1 MB limit would be refused whole.
        let group: OutMessage[] = [];
        const flush = async () => {
          if (group.length > 0) await producer.send(group);
          group = [];
        };
        for (const m of batch) {
          const out = { topic: source, partition: partitionOf(m.key, m.value), key: m.key, value: m.value };
          if ((m.value?.length ?? 0) > 100_000) {
            await flush();
            await producer.send([out]);
          } else group.push(out);
        }
        await flush();
      } finally {
        await producer.close();
      }
    };

    const chunk = Math.ceil(messages.length / (FAULT_KILLS + 1));
    for (let i = 0; i <= FAULT_KILLS; i++) {
      const run = await startRunner(app, "window-count", params, { idleMs: 0 });
      const before = i * chunk;
      await send(messages.slice(before, (i + 1) * chunk));
      if (i === FAULT_KILLS) {
        await waitForView(client, sink, expected, { runners: [run], timeoutMs: 600_000 });
        await terminate(run);
        break;
      }
      const target = before + Math.floor(r.next() * chunk);
      await waitUntil(
        "the chunk is partly committed",
        async () => {
          if (run.error()) throw run.error();
          return (await committedCount(client, app.appId, source)) >= target;
        },
        300_000,
      );
      await kill(run);
    }

    // Every record in is accounted for, on Kafka alone.
    const view = (await sinkView(client, sink)) as { count: number }[];
    const late = await client.readAll(`${app.appId}.late`);
    const dead = await committedDeadLetters(client, app);
    const inTopic = (await client.endOffsets(source)).reduce((x, y) => x + y, 0);
    expect(inTopic).toBe(messages.length);
    const counted = view.reduce((n, w) => n + w.count, 0);
    const far = (direct.outputs.counts as { windowStart: number; count: number }[]).filter((w) => w.windowStart >= FAR).reduce((n, w) => n + w.count, 0);
    expect(
      { in: inTopic, accountedFor: counted + late.length + far + dead.length },
      "records in = counted in the view + late + in never-closing windows + dead letters",
    ).toEqual({ in: messages.length, accountedFor: messages.length });
    expect(late.length, "the DirectRunner's late elements").toBe(direct.late.length);
    // The DirectRunner's dead letters as a set, each once; the null value is one more.
    const nullValue = dead.filter((d) => d.reason === "empty record (null value)");
    expect(nullValue).toHaveLength(1);
    expect(bag(dead.filter((d) => !nullValue.includes(d)).map(deadLetterFacts))).toEqual(
      bag(direct.deadLetters.map((d) => deadLetterFacts(d as unknown as Record<string, unknown>))),
    );
    process.stdout.write(
      `faults: ${JSON.stringify({ test: "poison", kills: FAULT_KILLS, messages: messages.length, poison: POISON.length, counted, late: late.length, far, deadLetters: dead.length, directDeadLetters: direct.deadLetters.length })}\n`,
    );
  });
});
