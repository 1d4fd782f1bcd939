/**
 * What the history generator varies beyond its first version (issue 13,
 * "make the parity generator find these by itself"): duplicates identical
 * at a dedupe but from different source keys (the same event id under two
 * devices — the shape of Kafka's per-partition dedupe divergence), and clock
 * jumps that let one source key's clock — on Kafka, its partition — close
 * windows the other keys are still filling. Each property is asserted on the
 * generated histories themselves, and §14's dedupe condition must still hold.
 */
import fc from "fast-check";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "../../dsl/index.ts";
import { canonicalJson } from "../../src/core/canonical.ts";
import { sourceKeyText } from "../../src/engine/edge.ts";
import { checkParity } from "../../src/parity/harness.ts";
import { historyArb, historySize } from "../../src/parity/histories.ts";
import type { ParityRunner } from "../../src/parity/runners.ts";
import { runDirect } from "../../runners/direct/index.ts";
import type { History } from "../../src/parity/histories.ts";
import { historyModelOf, unobservedFields } from "../../src/parity/model.ts";
import { compile } from "../../src/plan/index.ts";
import type { SourceNode } from "../../src/plan/ir.ts";
import { makeDecoder } from "../../src/schema/decode.ts";
import { fromSchema } from "../../src/schema/from-schema.ts";
import { partitionFor } from "../../runners/kafka/murmur2.ts";
import userSequences from "../../examples/user-sequences.ts";
import windowCount from "../../examples/window-count.ts";

const Ev = t.type({ device: t.string, user: t.string, eid: t.string, ts: t.number, v: t.number });

/** Issue 13, defect 7: keyed by device, the device dropped by a map, then keyBy user and dedupe by event id. */
const perUser = L.pipeline("per-user", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("ev", Ev, { key: "device" }),
    L.withTimestamps((e) => e.field("ts")),
    L.map((e) => ({ user: e.field("user"), eid: e.field("eid"), ts: e.field("ts"), v: e.field("v") })),
    L.keyBy("user"),
    L.dedupe("eid"),
    L.combine({ n: L.count(), v: L.sum("v") }),
    sink("out"),
  ),
);

/** The same, but the map keeps the device: duplicates across devices would differ at the dedupe. */
const keepsDevice = L.pipeline("keeps-device", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("ev", Ev, { key: "device" }),
    L.withTimestamps((e) => e.field("ts")),
    L.map((e) => ({ tag: L.concat(e.field("device"), e.field("user")), eid: e.field("eid"), v: e.field("v") })),
    L.dedupe("eid"),
    sink("out"),
  ),
);

const plan = compile(perUser);
const source = plan.nodes.find((n): n is SourceNode => n.op === "source")!;
const decode = makeDecoder(fromSchema(source.schema));
const sample = (n = 300, seed = 7): History[] => fc.sample(historyArb(historyModelOf(plan)), { numRuns: n, seed });

type Rec = { device: string; user: string; eid: string; ts: number; v: number };
const accepted = (h: History): Rec[] => h.inputs.ev!.filter((r) => decode(r).ok) as Rec[];
const withoutDevice = ({ device: _, ...rest }: Rec): string => canonicalJson(rest);

describe("which fields a dedupe cannot observe", () => {
  it("a map dropping the source key before the dedupe leaves the source key unobserved", () => {
    expect(unobservedFields(plan, source, "ts")).toEqual(["device"]);
  });

  it("nothing, when the dedupe reads the source records or a map keeps what the key feeds", () => {
    for (const p of [userSequences, keepsDevice]) {
      const model = historyModelOf(compile(p as L.Pipeline<any>));
      expect(model.inputs.filter((i) => i.kind === "source").map((i) => i.unobserved)).toEqual([[]]);
    }
  });

  it("the source key, when no dedupe is downstream", () => {
    const model = historyModelOf(compile(windowCount));
    expect(model.inputs.map((i) => i.unobserved)).toEqual([["key"]]);
  });
});

describe("duplicates across source keys", () => {
  const hs = sample();

  it("the same event under two devices: equal once the device is dropped, on different partitions", () => {
    let pairs = 0;
    let splitAcrossPartitions = 0;
    for (const h of hs) {
      const rs = accepted(h);
      for (let i = 0; i < rs.length; i++) {
        for (let j = i + 1; j < rs.length; j++) {
          if (rs[i]!.eid !== rs[j]!.eid || rs[i]!.device === rs[j]!.device || withoutDevice(rs[i]!) !== withoutDevice(rs[j]!)) continue;
          pairs++;
          const partition = (r: Rec) => partitionFor(sourceKeyText(source, r)!, h.partitions);
          if (partition(rs[i]!) !== partition(rs[j]!)) splitAcrossPartitions++;
        }
      }
    }
    // Seeded: 55 pairs, 20 of them split across partitions; none before echoes existed.
    expect(pairs).toBeGreaterThan(20);
    expect(splitAcrossPartitions).toBeGreaterThan(5);
  });

  it("both copies arrive in order in their source keys, so they share their source clock too", () => {
    let groups = 0;
    for (const h of hs) {
      const clock = new Map<string, number>();
      // Per event (the record without its device), per device: did one of its copies arrive in order there?
      const inOrder = new Map<string, Map<string, boolean>>();
      for (const r of accepted(h)) {
        const c = clock.get(r.device) ?? -Infinity;
        const byDevice = inOrder.get(withoutDevice(r)) ?? new Map<string, boolean>();
        byDevice.set(r.device, (byDevice.get(r.device) ?? false) || r.ts >= c);
        inOrder.set(withoutDevice(r), byDevice);
        clock.set(r.device, Math.max(c, r.ts));
      }
      for (const byDevice of inOrder.values()) {
        if (byDevice.size < 2) continue;
        groups++;
        expect([...byDevice.values()].every((x) => x)).toBe(true);
      }
    }
    expect(groups).toBeGreaterThan(20);
  });

  it("still keep §14: equal event ids with different content at the dedupe share a source key", () => {
    for (const h of hs) {
      const first = new Map<string, Rec>();
      for (const r of accepted(h)) {
        const prior = first.get(r.eid);
        if (prior && withoutDevice(prior) !== withoutDevice(r)) expect(r.device).toBe(prior.device);
        if (!prior) first.set(r.eid, r);
      }
    }
  });
});

/**
 * A planted runner with Kafka's per-partition dedupe (issue 13, defect 7),
 * without a broker: the DirectRunner on records whose event id is made
 * unique per partition, so a dedupe only collapses duplicates that share one.
 */
const perPartitionDedupe: ParityRunner = {
  name: "dedupes-per-partition",
  run: (h, ctx) =>
    runDirect(ctx.plan, {
      registry: ctx.registry,
      inputs: {
        ev: h.inputs.ev!.map((r) =>
          decode(r).ok ? { ...(r as Rec), eid: `${(r as Rec).eid}#${partitionFor(sourceKeyText(source, r as Rec)!, h.partitions)}` } : r,
        ),
      },
    }),
};

describe("the harness finds a per-partition dedupe by itself", () => {
  it("and shrinks it to one event under two devices on two partitions", async () => {
    const report = await checkParity(perUser, { runners: ["direct", perPartitionDedupe], runs: 200, seed: 5 });
    expect(report.ok).toBe(false);
    const h = report.counterexample!;
    expect(historySize(h)).toBe(2);
    const [a, b] = h.inputs.ev as Rec[];
    expect(a!.device).not.toBe(b!.device);
    expect(withoutDevice(a!)).toBe(withoutDevice(b!));
    expect(partitionFor(sourceKeyText(source, a!)!, h.partitions)).not.toBe(partitionFor(sourceKeyText(source, b!)!, h.partitions));
  });
});

describe("clocks that close windows on one source key while others still fill them", () => {
  it("one device's clock runs past a window the next record of another device falls in, on another partition", () => {
    // window-count with fixed 10 s windows and 5 s of allowed lateness.
    const wc = compile(windowCount, { window: "fixed:10s", lateness: "5s" });
    const wcSource = wc.nodes.find((n): n is SourceNode => n.op === "source")!;
    const size = 10_000;
    const lateness = 5_000;
    let found = 0;
    for (const h of fc.sample(historyArb(historyModelOf(wc)), { numRuns: 300, seed: 11 })) {
      if (h.partitions < 2) continue;
      const clock = new Map<string, number>();
      const recs = h.inputs.events!.filter(
        (r): r is { key: string; ts: number } => typeof r === "object" && r !== null && typeof (r as any).ts === "number" && typeof (r as any).key === "string",
      );
      for (const r of recs) {
        const mine = clock.get(r.key) ?? -Infinity;
        const end = Math.floor(r.ts / size) * size + size;
        // On time on its own clock, while some other key on another partition is past the window's close.
        const onTime = mine < end + lateness;
        const partition = partitionFor(sourceKeyText(wcSource, r)!, h.partitions);
        const closedElsewhere = [...clock].some(
          ([k, c]) => k !== r.key && c >= end + lateness + 2 * size && partitionFor(sourceKeyText(wcSource, { key: k })!, h.partitions) !== partition,
        );
        if (onTime && closedElsewhere) found++;
        clock.set(r.key, Math.max(mine, r.ts));
      }
    }
    // Seeded: 99 with clock jumps, 22 without them (the generator before).
    expect(found).toBeGreaterThan(50);
  });
});
