/**
 * Where a plan split by source key needs an exchange (src/engine/topology/partitioning.ts): the cut
 * edges of small pipelines, named by hand from the rule, and the Kafka layout's repartition topics,
 * which are exactly the cut edges.
 */
import * as t from "io-ts";
import * as L from "lockstep";
import { describe, expect, it } from "vitest";
import { edgeName, firstRepartitionedStage, repartitionCuts } from "../../src/engine/topology/partitioning.ts";
import { compile } from "../../src/plan/compile.ts";
import type { Plan } from "../../src/plan/ir.ts";
import { inputsOf } from "../../src/plan/ir.ts";
import { layoutOf, prefixedNames } from "../../runners/kafka/layout.ts";
import userSequences from "../../examples/user-sequences.ts";
import wordcount from "../../examples/wordcount.ts";

const Ev = t.type({ user: t.string, page: t.string, id: t.string, ts: t.number });
const Tb = t.type({ page: t.string, label: t.string, from: t.number });

const plans: Record<string, { plan: Plan; cut: string[] }> = {
  "count per source key": {
    plan: compile(
      L.pipeline("per-user", { version: 1 }, ({ source, sink }) =>
        L.pipe(source("events", Ev, { key: "user" }), L.keyBy("user"), L.combine({ n: L.count() }), sink("out")),
      ),
    ),
    cut: [],
  },
  "count per source key and more fields": {
    plan: compile(
      L.pipeline("per-user-page", { version: 1 }, ({ source, sink }) =>
        L.pipe(source("events", Ev, { key: "user" }), L.keyBy(["user", "page"]), L.combine({ n: L.count() }), sink("out")),
      ),
    ),
    cut: [],
  },
  "count per another field": {
    plan: compile(
      L.pipeline("per-page", { version: 1 }, ({ source, sink }) =>
        L.pipe(source("events", Ev, { key: "user" }), L.keyBy("page"), L.combine({ n: L.count() }), sink("out")),
      ),
    ),
    cut: ["events.keyBy>events.combine>0"],
  },
  "an unkeyed source counted": {
    plan: compile(
      L.pipeline("unkeyed-count", { version: 1 }, ({ source, sink }) =>
        L.pipe(source("events", Ev), L.keyBy("user"), L.combine({ n: L.count() }), sink("out")),
      ),
    ),
    cut: ["events.keyBy>events.combine>0"],
  },
  "an unkeyed source, stateless": {
    plan: compile(
      L.pipeline("unkeyed-filter", { version: 1 }, ({ source, sink }) =>
        L.pipe(
          source("events", Ev),
          L.filter((e) => e.field("ts").gt(0)),
          sink("out"),
        ),
      ),
    ),
    cut: [],
  },
  "a dedupe by an id the source key does not partition": {
    plan: compile(L.pipeline("dedupe-id", { version: 1 }, ({ source, sink }) => L.pipe(source("events", Ev, { key: "user" }), L.dedupe("id"), sink("out")))),
    cut: ["events>events.dedupe>0"],
  },
  "a dedupe above a withTimestamps stays with its source key": {
    plan: compile(
      L.pipeline("dedupe-clock", { version: 1 }, ({ source, sink }) =>
        L.pipe(
          source("events", Ev, { key: "user" }),
          L.dedupe("id"),
          L.withTimestamps((e) => e.field("ts")),
          sink("out"),
        ),
      ),
    ),
    cut: [],
  },
  "a lookup in a table, then a count per source key": {
    plan: compile(
      L.pipeline("lookup-count", { version: 1 }, ({ source, table, sink }) =>
        L.pipe(
          source("events", Ev, { key: "user" }),
          L.withTimestamps((e) => e.field("ts")),
          L.lookup(table("pages", Tb, { key: "page", validFrom: "from" }), { on: "page", take: { label: "label" } }),
          L.keyBy("user"),
          L.combine({ n: L.count() }),
          sink("out"),
        ),
      ),
    ),
    cut: [],
  },
  wordcount: { plan: compile(wordcount), cut: ["lines.keyBy>lines.combine>0"] },
  // The flagship needs two exchanges: its dedupe is by eventId (not the source key userId), and its
  // dispatch runs an executor, which may rewrite fields, so the sequence per user is repartitioned.
  "user-sequences": { plan: compile(userSequences), cut: ["events.dispatch>events.dedupe>0", "events-items.keyBy>events-items.sequence>0"] },
};

describe("repartitionCuts", () => {
  for (const [name, { plan, cut }] of Object.entries(plans)) {
    it(`${name}: ${cut.length === 0 ? "no edge is cut" : cut.join(", ")}`, () => {
      expect([...repartitionCuts(plan)]).toEqual(cut);
      const first = cut.length === 0 ? undefined : cut[0]!.split(">")[1];
      expect(firstRepartitionedStage(plan)).toBe(first);
    });
    it(`${name}: the Kafka layout repartitions exactly the cut edges`, () => {
      const layout = layoutOf(plan, "app", 3, prefixedNames("", "app"));
      const repartitioned = layout.subTopologies.flatMap((st) =>
        st.inputs.flatMap((i) => (i.kind === "repartition" ? [edgeName(inputOf(plan, i.to, i.port), i.to, i.port)] : [])),
      );
      expect(repartitioned.sort()).toEqual([...cut].sort());
    });
  }
});

/** The stage feeding port `port` of `to`. */
const inputOf = (plan: Plan, to: string, port: number): string => {
  return inputsOf(plan.nodes.find((x) => x.id === to)!)[port]!;
};
