/**
 * `dedupe` does not depend on the partition count (issue 13, defect 7). Its
 * input is routed by the dedupe id through a repartition topic when the source
 * key does not already partition by it, so duplicates that came in under
 * different source keys — on different partitions — still meet.
 */
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../../dsl/index.ts";
import { compile } from "../../../src/plan/compile.ts";
import { runDirect } from "../../../runners/direct/index.ts";
import { runKafka } from "../../../runners/kafka/index.ts";
import { layoutOf, prefixedNames, subTopologyOf } from "../../../runners/kafka/layout.ts";
import { partitionFor } from "../../../runners/kafka/murmur2.ts";
import { brokers, expectParity, jsonl, sourceKey } from "./helpers.ts";

const Reading = t.type({ device: t.string, user: t.string, eid: t.string, ts: t.number, v: t.number });

/** The pipeline: source keyed by device, a map dropping device, keyed by user, dedupe by event id, a combine. */
const perUser = L.pipeline("dedupe-across-devices", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("readings", Reading, { key: "device" }),
    L.withTimestamps((e) => e.field("ts")),
    L.map((e) => ({ user: e.field("user"), eid: e.field("eid"), ts: e.field("ts"), v: e.field("v") })),
    L.keyBy("user"),
    L.dedupe("eid"),
    L.combine({ n: L.count(), total: L.sum("v") }),
    sink("totals"),
  ),
);

describe("dedupe across partitions", () => {
  it("the issue's two lines: duplicates under two devices on different partitions count once, as on the DirectRunner", async () => {
    const rows = [
      { device: "d2", user: "u2", eid: "x3", ts: 5, v: 100 },
      { device: "d4", user: "u2", eid: "x3", ts: 5, v: 100 },
    ];
    // The premise: the two devices' records are on different partitions of 3.
    expect(partitionFor(sourceKey(rows[0], ["device"])!, 3)).not.toBe(partitionFor(sourceKey(rows[1], ["device"])!, 3));
    const readings = jsonl("dup-devices", rows);
    const direct = await runDirect(perUser, { inputs: { readings } });
    expect(direct.outputs.totals).toEqual([{ user: "u2", n: 1, total: 100 }]);
    const kafka = await runKafka(perUser, { inputs: { readings }, brokers: brokers(), partitions: 3 });
    expectParity(kafka, direct, "dedupe, 3 partitions");
  });

  it("many ids repeated across devices and users: the DirectRunner's totals on 3 partitions", async () => {
    const rows: object[] = [];
    for (let i = 0; i < 300; i++) {
      const eid = `e${i % 97}`; // every id comes several times, under different devices
      rows.push({ device: `d${(i * 7) % 11}`, user: `u${(i % 97) % 5}`, eid, ts: i, v: i % 97 });
    }
    const readings = jsonl("dup-many", rows);
    const direct = await runDirect(perUser, { inputs: { readings } });
    const kafka = await runKafka(perUser, { inputs: { readings }, brokers: brokers(), partitions: 3 });
    expectParity(kafka, direct, "dedupe, 300 rows, 3 partitions");
  });

  it("a dedupe whose id the source key already partitions by stays in the source's sub-topology", () => {
    const local = L.pipeline("dedupe-local", { version: 1 }, ({ source, sink }) =>
      L.pipe(
        source("readings", Reading, { key: "eid" }),
        L.withTimestamps((e) => e.field("ts")),
        L.dedupe("eid"),
        sink("out"),
      ),
    );
    const plan = compile(local);
    const layout = layoutOf(plan, "app", 3, prefixedNames("", "app"));
    const dedupe = plan.nodes.find((n) => n.op === "dedupe")!.id;
    expect(subTopologyOf(layout, dedupe)).toBe(subTopologyOf(layout, "readings"));
  });
});
