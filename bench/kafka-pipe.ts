/**
 * The stateless pipeline the Kafka benchmarks run (bench/kafka.ts, bench/kafka-clients.ts):
 * parse, keep `amount > 10`, reshape, write — as a lockstep definition and as the hand-written
 * transform of the raw kafkajs pipe.
 *
 * @module
 */
import * as t from "io-ts";
import * as L from "../dsl/index.ts";
import { partitionFor } from "../runners/kafka/murmur2.ts";

/** Partitions of the benchmarks' topics. */
export const PARTITIONS = 3;

/** A benchmark record. */
export const Ev = t.type({ id: t.number, user: t.string, amount: t.number });

/** The pipeline: parse, keep amount > 10, reshape, write. */
export const pipeline = L.pipeline("bench-pipe", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("in", Ev, { key: "user" }),
    L.filter((e) => e.field("amount").gt(10)),
    L.map((e) => ({ id: e.field("id"), user: e.field("user"), cents: e.field("amount").mul(100) })),
    sink("out"),
  ),
);

/** The same transform by hand, on a record's JSON text: the output's JSON text, or undefined when filtered out. */
export const handTransform = (v: string): string | undefined => {
  const e = JSON.parse(v) as { id: number; user: string; amount: number };
  return e.amount > 10 ? JSON.stringify({ cents: e.amount * 100, id: e.id, user: e.user }) : undefined;
};

/** `n` benchmark records for `topic`: 1,000 users round robin, each on the partition its key hashes to. */
export const benchMessages = (topic: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const user = `u${i % 1000}`;
    return {
      topic,
      partition: partitionFor(JSON.stringify(user), PARTITIONS),
      key: JSON.stringify(user),
      value: JSON.stringify({ id: i, user, amount: (i * 7) % 50 }),
    };
  });
