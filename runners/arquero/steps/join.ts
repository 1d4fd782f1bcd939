/**
 * `join`: a windowed stream–stream join, final panes computed directly.
 * Each side's elements are windowed and judged late with its own window
 * stage's allowed lateness; sessions merge over both sides' kept
 * proto-windows; then an arquero `join` on (key, window) gives every
 * (left, right) pair, and for a left join an `antijoin` gives each left
 * element of a window without right elements, paired with null (§10).
 *
 * @module
 */
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import type { JoinNode, WindowNode } from "../../../src/plan/ir.ts";
import { COL, alignColumns, inArrivalOrder, valuesOf } from "../columns.ts";
import { elementExpr } from "../element-exprs.ts";
import type { Step } from "../step.ts";
import { windowVerbs } from "./combine.ts";
import { keyFactsOf } from "./key-facts.ts";
import { paneTable } from "./panes.ts";
import { assign, dropLate, mergeSessions } from "./windows.ts";

const GROUP = `d => d.${COL.k} + "|" + d._ws + ":" + d._we`;

/** One side's kept rows as `_g, _k, _ws, _we, <as>` (the element as an object). */
const side = (t: ColumnTable, as: string): ColumnTable => {
  const el = elementExpr(t, "object");
  return t.params(el.params).derive({ _g: GROUP, [as]: el.source }).select("_g", COL.k, "_ws", "_we", as);
};

/** The step of a join at plan position `position`. */
export const joinStep = (n: JoinNode, left: WindowNode, right: WindowNode, position: number): Step => ({
  stage: n.id,
  op: n.op,
  mode: "columnar",
  verbs: [
    `key facts over both sides: groupby("${COL.k}").rollup({ kv: op.any(d.${COL.kv}), clock: op.max(d.${COL.c}) })`,
    ...windowVerbs(left).map((v) => `left: ${v}`),
    ...windowVerbs(right).map((v) => `right: ${v}`).filter((v) => !v.includes("_sid")),
    `join(left, right, "_g")${n.kind === "left" ? ` + antijoin(left, right, "_g") with ${n.as[1]}: null` : ""}`,
    `final pane rows: { ...kv, windowStart, windowEnd, ${n.as[0]}, ${n.as[1]} } with output key _pk`,
  ],
  fallbacks: [],
  run: ([l, r], rt) => {
    const meta = (t: ColumnTable) => t.select(COL.i, COL.j, COL.k, COL.kv, COL.c, COL.src, COL.off, COL.sk);
    const facts = keyFactsOf(inArrivalOrder(meta(l!).concat(meta(r!))));
    let kl = dropLate(assign(l!, left.window), left, n.id, rt);
    let kr = dropLate(assign(r!, right.window), right, n.id, rt);
    if (left.window.kind === "session") {
      // One key's sessions span both sides' proto-windows.
      const [a, b] = alignColumns([kl.derive({ _side: "() => 0" }), kr.derive({ _side: "() => 1" })]);
      const merged = mergeSessions(a!.concat(b!));
      kl = merged.filter("d => d._side === 0").select(aq.not("_side")).reify();
      kr = merged.filter("d => d._side === 1").select(aq.not("_side")).reify();
      // Drop the columns only the other side has (concat gave them to both).
      kl = kl.select(l!.columnNames().concat(["_ws", "_we"]));
      kr = kr.select(r!.columnNames().concat(["_ws", "_we"]));
    }
    const [asL, asR] = n.as;
    const ls = side(kl, "_lv");
    const rs = side(kr, "_rv").select("_g", "_rv");
    let pairs = ls.join(rs, "_g", [["_g", COL.k, "_ws", "_we", "_lv"], ["_rv"]]);
    if (n.kind === "left") {
      const alone = ls.antijoin(rs, "_g").derive({ _rv: "() => null" });
      pairs = pairs.concat(alone);
    }
    pairs = pairs.reify();
    const ks = valuesOf(pairs, COL.k) as string[];
    const out = paneTable(n.id, position, {
      k: ks,
      kv: ks.map((k) => facts.kv.get(k)!),
      window: { ws: valuesOf(pairs, "_ws") as number[], we: valuesOf(pairs, "_we") as number[] },
      values: [
        [asL, valuesOf(pairs, "_lv")],
        [asR, valuesOf(pairs, "_rv")],
      ],
      c: ks.map((k) => facts.clock.get(k)!),
    });
    const m = rt.metrics(n.id);
    m.in += l!.numRows() + r!.numRows();
    m.out += out.numRows();
    return out;
  },
});
