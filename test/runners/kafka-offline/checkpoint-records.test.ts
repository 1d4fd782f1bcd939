/**
 * Where a checkpoint's entries go on Kafka (runners/kafka/checkpoint-seed.ts, docs/semantics.md §17),
 * without a broker: a stage fed by a repartition topic gets each entry on its key's partition (the
 * partition the repartition sends that key to); a stage in a source's sub-topology on its route's
 * partition (the partition the producer sends that source key to), partition 0 for an unkeyed source.
 */
import * as t from "io-ts";
import * as L from "lockstep";
import { describe, expect, it } from "vitest";
import type { Checkpoint } from "../../../src/engine/checkpoint/index.ts";
import { decodeStateText as decodeState } from "../../../src/engine/state-text.ts";
import { compile } from "../../../src/plan/compile.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { changelogRecordsOf } from "../../../runners/kafka/checkpoint-seed.ts";
import { layoutOf, prefixedNames } from "../../../runners/kafka/layout.ts";
import { partitionFor } from "../../../runners/kafka/murmur2.ts";

const Ev = t.type({ user: t.string, page: t.string, ts: t.number });
// Source keyed by user, counted per page: the count is behind a repartition by page.
const perPage = L.pipeline("per-page", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("events", Ev, { key: "user" }),
    L.withTimestamps((e) => e.field("ts")),
    L.keyBy("page"),
    L.combine({ n: L.count() }),
    sink("counts"),
  ),
);
const events = [
  { user: "u1", page: "home", ts: 1 },
  { user: "u2", page: "cart", ts: 2 },
  { user: "u3", page: "home", ts: 3 },
  { user: "u4", page: "help", ts: 4 },
];

describe("a checkpoint's changelog records", () => {
  for (const partitions of [1, 3, 4]) {
    it(`on ${partitions} partitions: by key behind a repartition, by source key in the source's sub-topology`, async () => {
      let cp: Checkpoint | undefined;
      await runDirect(perPage, { inputs: { events }, onCheckpoint: (c) => void (cp = c) });
      const plan = compile(perPage, {});
      const layout = layoutOf(plan, "app", partitions, prefixedNames("", "app"));
      const records = changelogRecordsOf(cp!, layout);
      const combine = plan.nodes.find((n) => n.op === "combine")!.id;
      const clocks = records.filter((r) => r.topic === layout.changelogTopic(plan.nodes.find((n) => n.op === "withTimestamps")!.id));
      const counts = records.filter((r) => r.topic === layout.changelogTopic(combine));
      // One clock per user, on the partition of the user's records (the message key is the canonical JSON of the user).
      expect(clocks.map((r) => [r.key, r.partition])).toEqual(
        events.map((e) => [`clocks\u0000events\u0000"${e.user}"`, partitionFor(`"${e.user}"`, partitions)]),
      );
      expect(clocks.map((r) => decodeState(r.value as string))).toEqual(events.map((e) => e.ts));
      // One window state per page, on the partition the repartition by page sends it to.
      const pages = [...new Set(events.map((e) => e.page))].sort();
      expect(counts.map((r) => [r.key, r.partition]).sort()).toEqual(pages.map((p) => [`windows\u0000["${p}"]`, partitionFor(`["${p}"]`, partitions)]).sort());
    });
  }

  it("an unkeyed source's state goes to partition 0", async () => {
    const unkeyed = L.pipeline("unkeyed", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("events", Ev),
        L.withTimestamps((e) => e.field("ts")),
        L.keyBy("page"),
        L.combine({ n: L.count() }),
        sink("counts"),
      ),
    );
    let cp: Checkpoint | undefined;
    await runDirect(unkeyed, { inputs: { events }, onCheckpoint: (c) => void (cp = c) });
    const layout = layoutOf(compile(unkeyed, {}), "app", 4, prefixedNames("", "app"));
    const clocks = changelogRecordsOf(cp!, layout).filter((r) => r.key!.startsWith("clocks\u0000"));
    expect(clocks.map((r) => r.partition)).toEqual([0]);
  });
});
