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
import type { ColumnTable } from "arquero";
import type { JoinNode, WindowNode } from "../../../src/plan/ir.ts";
import * as aq from "arquero";
import { COL, inArrivalOrder, valuesOf } from "../columns.ts";
import { elementExpr } from "../element-exprs.ts";
import type { Step } from "../step.ts";
import { windowVerbs } from "./combine.ts";
import { keyFactsOf } from "./key-facts.ts";
import { paneTable } from "./panes.ts";
import { assign, dropLate, mergeSessions, narrow, withKeyIndex } from "./windows.ts";

/** One side's elements as objects (`_v`), narrowed to what windowing needs. */
const narrowSide = (t: ColumnTable, side: number): ColumnTable => {
  const el = elementExpr(t, "object");
  return narrow(t.params(el.params).derive({ _v: el.source }), ["_v"]).derive({ _side: `() => ${side}` });
};

/** The step of a join at plan position `position`. */
export const joinStep = (n: JoinNode, left: WindowNode, right: WindowNode, position: number): Step => ({
  stage: n.id,
  op: n.op,
  mode: "columnar",
  verbs: [
    `key facts over both sides: groupby("${COL.k}").rollup({ names: op.any(d.${COL.kn}), clock: op.max(d.${COL.c}) })`,
    ...windowVerbs(left).map((v) => `left: ${v}`),
    ...windowVerbs(right)
      .map((v) => `right: ${v}`)
      .filter((v) => !v.includes("_sid")),
    `join(left, right, ["_ki", "_ws"])${n.kind === "left" ? ` + antijoin(left, right, ["_ki", "_ws"]) with ${n.as[1]}: null` : ""}`,
    `final pane rows: { ...kv, windowStart, windowEnd, ${n.as[0]}, ${n.as[1]} } with output key _pk`,
  ],
  fallbacks: [],
  run: ([l, r], rt) => {
    const meta = (t: ColumnTable) => t.select(COL.i, COL.j, COL.k, COL.kn, COL.c, COL.src, COL.off, COL.sk);
    const { facts } = keyFactsOf(inArrivalOrder(meta(l!).concat(meta(r!))));
    // `_ki` is set over both sides after windowing; narrow wants a column of that name meanwhile.
    const side = (t: ColumnTable) => t.derive({ _ki: "() => 0" });
    const kl = dropLate(assign(narrowSide(side(l!), 0), left.window), left, l!, n.id, rt);
    const kr = dropLate(assign(narrowSide(side(r!), 1), right.window), right, r!, n.id, rt);
    // One key's sessions span both sides' proto-windows; the key index must be shared too.
    let both = withKeyIndex(kl.concat(kr).select(aq.not("_ki")));
    if (left.window.kind === "session") both = mergeSessions(both);
    const ls = both.filter("d => d._side === 0").select("_ki", COL.k, "_ws", "_we", "_v").reify();
    const rs = both.filter("d => d._side === 1").select("_ki", "_ws", "_v").rename({ _v: "_rv" }).reify();
    // [left keys, right keys]: a flat list of two names would mean left._ki = right._ws.
    const on: [string[], string[]] = [
      ["_ki", "_ws"],
      ["_ki", "_ws"],
    ];
    let pairs = ls.join(rs, on, [["_ki", COL.k, "_ws", "_we", "_v"], ["_rv"]]);
    if (n.kind === "left") pairs = pairs.concat(ls.antijoin(rs, on).derive({ _rv: "() => null" }));
    pairs = pairs.reify();
    const [asL, asR] = n.as;
    const ks = valuesOf(pairs, COL.k) as string[];
    const out = paneTable(n.id, position, {
      k: ks,
      kv: ks.map((k) => facts.kv.get(k)!),
      window: { ws: valuesOf(pairs, "_ws") as number[], we: valuesOf(pairs, "_we") as number[] },
      values: [
        [asL, valuesOf(pairs, "_v")],
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
