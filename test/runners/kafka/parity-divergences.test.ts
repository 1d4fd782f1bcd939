/**
 * Divergences between the KafkaStreamRunner and the DirectRunner that the
 * parity suite found, as regular tests with the shrunk inputs. They FAIL
 * until the Kafka runner is fixed (runner code is not the parity suite's to
 * change); `parity.test.ts` skips exactly these shapes so it keeps guarding
 * everything else.
 *
 * 1. Two-level aggregation (a keyed aggregate reading a global one, §9):
 *    Kafka counts one element too many per group at the second level. Found
 *    by `checkRecipeParity({ runners: ["direct", "kafka"], seed: 1 })`,
 *    shrunk to one record.
 * 2. A join whose two sides both look up the same table: the bounded run
 *    never finishes ("did not finish within … (1/3 tasks ended)"), even with
 *    empty sources. Found with seed 2, shrunk to one table row.
 * 3. A source record that is JSON but not an object (`42`): the dead letter
 *    is `{value: 42, reason: "expected object, got 42"}` on Direct and
 *    Arquero (in-memory input), `{raw: "42", reason: "invalid JSON: expected
 *    an object on each line, got a number"}` on Kafka. Found with seed 3,
 *    shrunk to one bad table row.
 */
import * as t from "io-ts";
import { describe, expect, inject, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import { buildPipeline } from "../../../src/parity/pipelines.ts";
import type { Recipe } from "../../../src/parity/pipelines.ts";
import { bagDiff } from "../../../src/parity/compare.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { runKafka } from "../../../runners/kafka/index.ts";

const brokers = (): string[] => (inject("kafkaBrokers") ?? process.env.KAFKA_BROKERS ?? "").split(",");

describe("Kafka divergences found by the parity suite (fail until fixed)", () => {
  it("two-level aggregation: the second combine counts every group twice", async () => {
    // The shrunk generated case was recipe {terminal: "chain"} on one record; this is the same shape by hand.
    const p = L.pipeline("two-level", { version: 1 }, ({ source, sink }) =>
      L.pipe(source("events", t.type({ k: t.string })), L.keyBy("k"), L.combine({ n: L.count() }), L.keyBy("k"), L.combine({ groups: L.count(), n: L.sum("n") }), sink("out")),
    );
    const inputs = { events: [{ k: "a" }, { k: "a" }, { k: "b" }] };
    const direct = await runDirect(p, { inputs });
    const kafka = await runKafka(p, { inputs, brokers: brokers(), partitions: 1 });
    expect(direct.outputs.out).toEqual([{ k: "a", groups: 1, n: 2 }, { k: "b", groups: 1, n: 1 }]);
    // Kafka today: [{ k: "a", groups: 2, n: 2 }, { k: "b", groups: 2, n: 1 }] — one extra element whose n is null
    // (sum ignores it, count does not) reaches the second combine per group.
    expect(kafka.outputs).toEqual(direct.outputs);
  }, 60_000);

  it("a join whose two sides both look up the same table: the bounded run finishes", async () => {
    // Either side alone with the lookup works; both sides hang. (Two lookups flattened, without a join, work.)
    const E = t.type({ k: t.string, s: t.string, ts: t.number });
    const p = L.pipeline("join-lookups", { version: 1 }, ({ source, table, sink }) => {
      const labels = table("labels", t.type({ s: t.string, label: t.string, from: t.number }), { key: "s", validFrom: "from" });
      const side = (name: string) =>
        L.pipe(source(name, E), L.withTimestamps((e) => e.field("ts")), L.lookup(labels, { on: "s", take: { label: "label" } }), L.keyBy("k"), L.window(L.fixed(1000)));
      return L.pipe(side("left"), L.join(side("right")), sink("out"));
    });
    const inputs = { left: [{ k: "a", s: "a", ts: 0 }], right: [{ k: "a", s: "a", ts: 1 }], labels: [{ s: "a", label: "A", from: 0 }] };
    const direct = await runDirect(p, { inputs });
    expect(direct.outputs.out).toHaveLength(1);
    // Kafka today: "the Kafka run did not finish within 20000 ms (1/3 tasks ended)"
    const kafka = await runKafka(p, { inputs, brokers: brokers(), partitions: 1, timeoutMs: 20_000 });
    expect(kafka.outputs).toEqual(direct.outputs);
  }, 60_000);

  it("a record that is JSON but not an object: the same dead letter", async () => {
    const recipe: Recipe = { sourceKey: false, pre: [], keyFields: ["k"], terminal: { kind: "none" }, tap: false, union: false, post: null };
    const p = buildPipeline(recipe);
    const inputs = { events: [{ id: "0", k: "a", ts: 0, x: 0, s: "a", tag: "a" }, 42] };
    const direct = await runDirect(p, { inputs });
    const kafka = await runKafka(p, { inputs, brokers: brokers(), partitions: 1 });
    expect(direct.deadLetters).toEqual([{ source: "events", offset: 2, stage: "events", reason: "expected object, got 42", value: 42 }]);
    // Kafka today: [{ source: "events", offset: 2, stage: "events", reason: "invalid JSON: expected an object on each line, got a number", raw: "42" }]
    expect(bagDiff(direct.deadLetters, kafka.deadLetters)).toEqual({ missing: [], extra: [] });
  }, 60_000);
});
