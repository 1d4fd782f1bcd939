/**
 * `sequence`: per key, the `latest` entries with the greatest event time,
 * newest first, ties by id ascending (value order), one entry per id (§10).
 * The final pane is a function of the set of elements, computed directly:
 *
 * 1. ttl: an element has expired when its time is below the key's newest
 *    time among earlier arrivals minus ttl — a running max over arrival
 *    order, `lag`ged by one row; it is counted, not reported as late;
 * 2. per (key, id) the version with the greatest time, then the greatest
 *    canonical JSON (computed only for ties);
 * 3. ttl: entries older than the key's newest time minus ttl go;
 * 4. `orderby(desc(_t), id)` + `row_number() ≤ latest` + `array_agg`.
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { SequenceNode } from "../../../src/plan/ir.ts";
import { COL, alignColumns, fieldColumn, inArrivalOrder, rollupBy, valuesOf } from "../columns.ts";
import { elementExpr } from "../element-exprs.ts";
import type { Runtime, Step } from "../step.ts";
import { keyFactsOf } from "./key-facts.ts";
import { paneTable } from "./panes.ts";

/**
 * Removes (and counts as expired, §10) the rows whose time is below the
 * key's newest time among earlier arrivals minus ttl; they are not reported
 * as late. They would not survive the final ttl cut anyway; the count is the
 * DirectRunner's `expired` metric.
 */
const dropExpired = (t: ColumnTable, n: SequenceNode, ttl: number, rt: Runtime): ColumnTable => {
  const marked = t
    .groupby(COL.k)
    .derive({ _sm: aq.rolling(`d => op.max(d.${COL.t})`, [-Infinity, 0]) })
    .derive({ _sp: "d => op.lag(d._sm)" })
    .ungroup()
    .derive({ _old: `d => d._sp !== undefined && d.${COL.t} < d._sp - ${ttl}` });
  const kept = marked
    .filter("d => !d._old")
    .select(aq.not("_sm", "_sp", "_old"))
    .reify();
  rt.metrics(n.id).expired += t.numRows() - kept.numRows();
  return kept;
};

/** Per (key, id), the one version the content rule keeps. */
const bestVersions = (t: ColumnTable): ColumnTable => {
  // Usually every id is unique: then there is nothing to choose (one distinct count instead of a groupby).
  if (t.numRows() === 0 || (t.rollup({ n: "d => op.distinct(d._ik)" }).array("n") as number[])[0] === t.numRows()) return t;
  const newest = t.groupby(COL.k, "_ik").filter(`d => d.${COL.t} === op.max(d.${COL.t})`).derive({ _n: "() => op.count()" }).ungroup().reify();
  const single = newest.filter("d => d._n === 1").reify();
  const tied = newest.filter("d => d._n > 1").reify();
  if (tied.numRows() === 0) return single;
  const el = elementExpr(tied, "json");
  const winners = tied
    .params(el.params)
    .derive({ _ej: el.source })
    .groupby(COL.k, "_ik")
    .filter("d => d._ej === op.max(d._ej)")
    .filter("() => op.row_number() === 1")
    .ungroup()
    .select(aq.not("_ej"))
    .reify();
  const [a, b] = alignColumns([single, winners]);
  return inArrivalOrder(a!.concat(b!));
};

/**
 * True when every id is a string, or every id a number: then ids compare
 * (`===`, `<`) as lockstep's value order and canonical JSON do, and serve
 * as their own identity and sort key.
 */
const uniformIds = (t: ColumnTable): boolean => {
  const ids = valuesOf(t, "_id");
  const kind = ids.length > 0 ? typeof ids[0] : "string";
  return (kind === "string" || kind === "number") && ids.every((v) => typeof v === kind);
};

/** The step of a sequence at plan position `position`. */
export const sequenceStep = (n: SequenceNode, position: number): Step => ({
  stage: n.id,
  op: n.op,
  mode: "columnar",
  verbs: [
    `key facts: groupby("${COL.k}").rollup({ names: op.any(d.${COL.kn}), clock: op.max(d.${COL.c}) })`,
    ...(n.ttl === undefined
      ? []
      : [`groupby("${COL.k}").derive({ _sm: rolling(op.max(d.${COL.t})), _sp: op.lag(d._sm) }).filter(d._t < d._sp - ${n.ttl}) → counted as expired`]),
    `derive({ _id: d[${JSON.stringify(fieldColumn(n.idField))}] ?? null, _ik: op.ls_json(_id) }).groupby("${COL.k}", "_ik").filter(d.${COL.t} === op.max(d.${COL.t}))`,
    "ties: derive({ _ej: canonical JSON }).filter(d._ej === op.max(d._ej)).filter(op.row_number() === 1)",
    ...(n.ttl === undefined ? [] : [`groupby("${COL.k}").filter(d.${COL.t} >= op.max(d.${COL.t}) - ${n.ttl})`]),
    `groupby("${COL.k}").orderby(desc("${COL.t}"), id).filter(op.row_number() <= ${n.latest}).rollup({ ${n.as}: op.array_agg({ ${n.fields.join(", ")} }) })`,
  ],
  fallbacks: [],
  run: ([input], rt) => {
    const { facts } = keyFactsOf(input!);
    let t = n.ttl === undefined ? input! : dropExpired(input!, n, n.ttl, rt);
    const names = new Set(t.columnNames());
    const read = (f: string) => (names.has(fieldColumn(f)) ? `(d[${JSON.stringify(fieldColumn(f))}] ?? null)` : "null");
    t = t.derive({ _id: `d => ${read(n.idField)}` });
    const uniform = uniformIds(t);
    // `_ik` identifies an id (canonical JSON), `_io` sorts it (value order); uniform ids are both.
    t = t.derive(uniform ? { _ik: "d => d._id", _io: "d => d._id" } : { _ik: "d => op.ls_json(d._id)", _io: "d => op.ls_vkey(d._id)" });
    t = bestVersions(t);
    if (n.ttl !== undefined) t = t.groupby(COL.k).filter(`d => d.${COL.t} >= op.max(d.${COL.t}) - ${n.ttl}`).ungroup().reify();
    const entry = `d => ({ ${n.fields.map((f) => `[${JSON.stringify(f)}]: ${read(f)}`).join(", ")} })`;
    // Entries are built for the kept rows only, after the ranking filter.
    const ranked = t.groupby(COL.k).orderby(aq.desc(COL.t), "_io").filter(`() => op.row_number() <= ${n.latest}`).derive({ _e: entry });
    const seqs = rollupBy(ranked, [COL.k], { v: "d => op.array_agg(d._e)", m: `d => op.max(d.${COL.t})` });
    const ks = valuesOf(seqs, COL.k) as string[];
    const out = paneTable(n.id, position, {
      k: ks,
      kv: ks.map((k) => facts.kv.get(k)!),
      window: null,
      values: [[n.as, valuesOf(seqs, "v")]],
      // The DirectRunner's pane carries the element that first changed the key: its first element.
      c: ks.map((k) => facts.first.get(k)!.c),
      from: ks.map((k) => facts.first.get(k)!),
      t: valuesOf(seqs, "m") as number[],
    });
    const m = rt.metrics(n.id);
    m.in += input!.numRows();
    m.out += out.numRows();
    m.panes += out.numRows();
    return out;
  },
});
