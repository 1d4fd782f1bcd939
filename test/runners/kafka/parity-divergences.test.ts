/**
 * Divergences between the KafkaStreamRunner and the DirectRunner that the
 * parity suite found, as regular tests with the shrunk inputs. They FAIL
 * until the Kafka runner is fixed (runner code is not the parity suite's to
 * change); `parity.test.ts` skips exactly these shapes so it keeps guarding
 * everything else.
 *
 * 1. Two-level aggregation (a keyed aggregate reading a global one, §9):
 *    Kafka counts one element too many at the second level. Found by
 *    `checkRecipeParity({ runners: ["direct", "kafka"], seed: 1 })`, shrunk
 *    to one record.
 * 2. A join whose two sides each look up the same table: the bounded run
 *    never finishes ("did not finish within … (0/3 tasks ended)"), even with
 *    empty sources. Found with seed 2, shrunk to one table row.
 * 3. A source record that is JSON but not an object (`42`): the dead letter
 *    is `{value: 42, reason: "expected object, got 42"}` on Direct and
 *    Arquero (in-memory input), `{raw: "42", reason: "invalid JSON: expected
 *    an object on each line, got a number"}` on Kafka. Found with seed 3,
 *    shrunk to one bad table row.
 */
import { describe, expect, inject, it } from "vitest";
import { buildPipeline } from "../../../src/parity/pipelines.ts";
import type { Recipe } from "../../../src/parity/pipelines.ts";
import { bagDiff } from "../../../src/parity/compare.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { runKafka } from "../../../runners/kafka/index.ts";

const brokers = (): string[] => (inject("kafkaBrokers") ?? process.env.KAFKA_BROKERS ?? "").split(",");

const ev = (over: Record<string, unknown> = {}) => ({ id: "0@events:a", k: "a", ts: 0, x: 0, s: "a", tag: "a", ...over });

describe("Kafka divergences found by the parity suite (fail until fixed)", () => {
  it("two-level aggregation: the second combine counts one group twice", async () => {
    // events → withTimestamps(ts) → keyBy(k) → combine{n: count, total: sum(x)} → keyBy(k) → combine{groups: count, n: sum(n), total: sum(total)}
    const recipe: Recipe = { sourceKey: false, pre: [], keyFields: ["k"], terminal: { kind: "chain" }, tap: false, union: false, post: null };
    const p = buildPipeline(recipe);
    const inputs = { events: [ev()] };
    const direct = await runDirect(p, { inputs });
    const kafka = await runKafka(p, { inputs, brokers: brokers(), partitions: 1 });
    expect(direct.outputs.out).toEqual([{ k: "a", groups: 1, n: 1, total: 0 }]);
    // Kafka today: [{ k: "a", groups: 2, n: 1, total: 0 }]
    expect(kafka.outputs).toEqual(direct.outputs);
  }, 60_000);

  it("a join whose sides look up a table: the bounded run finishes", async () => {
    // events, others → withTimestamps(ts) → lookup(labels on s) → keyBy(k) → window(session 1 s) → inner join
    const recipe: Recipe = {
      sourceKey: false,
      pre: [{ kind: "lookup" }],
      keyFields: ["k"],
      terminal: { kind: "join", window: { kind: "session", gap: 1000 }, lateness: 0, joinKind: "inner" },
      tap: false,
      union: false,
      post: null,
    };
    const p = buildPipeline(recipe);
    const inputs = { events: [], others: [], labels: [{ s: "a", label: "", from: 0 }] };
    const direct = await runDirect(p, { inputs });
    // Kafka today: "the Kafka run did not finish within 20000 ms (0/3 tasks ended)"
    const kafka = await runKafka(p, { inputs, brokers: brokers(), partitions: 1, timeoutMs: 20_000 });
    expect(kafka.outputs).toEqual(direct.outputs);
  }, 60_000);

  it("a record that is JSON but not an object: the same dead letter", async () => {
    const recipe: Recipe = { sourceKey: false, pre: [], keyFields: ["k"], terminal: { kind: "none" }, tap: false, union: false, post: null };
    const p = buildPipeline(recipe);
    const inputs = { events: [ev(), 42] };
    const direct = await runDirect(p, { inputs });
    const kafka = await runKafka(p, { inputs, brokers: brokers(), partitions: 1 });
    expect(direct.deadLetters).toEqual([{ source: "events", offset: 2, stage: "events", reason: "expected object, got 42", value: 42 }]);
    // Kafka today: [{ source: "events", offset: 2, stage: "events", reason: "invalid JSON: expected an object on each line, got a number", raw: "42" }]
    expect(bagDiff(direct.deadLetters, kafka.deadLetters)).toEqual({ missing: [], extra: [] });
  }, 60_000);
});
