/**
 * `join`: a windowed stream–stream join. Per key and window both sides'
 * elements are kept; each pane holds every (left, right) pair, or for a left
 * join each left element with `null` when the window has no right element.
 * Rows within a pane are ordered by (left time, left JSON, right time, right JSON).
 *
 * @module
 */
import { compareStrings } from "../../core/canonical.ts";
import { canonicalJson } from "../../core/canonical.ts";
import { copyFields, setOwnField } from "../../core/fields.ts";
import type { JoinNode, WindowNode } from "../../plan/ir.ts";
import type { Emit, EngineContext, Operator } from "../operator.ts";
import { windowedOp } from "../windowed.ts";
import type { WindowAggregation } from "../windowed.ts";

/** A kept side element: [event time, canonical JSON, value]. */
type Side = [number, string, unknown];
interface JoinAcc {
  l: Side[];
  r: Side[];
}

const bySide = (a: Side, b: Side): number => a[0] - b[0] || compareStrings(a[1], b[1]);

/** The operator. */
export const joinOp = (n: JoinNode, left: WindowNode, right: WindowNode, exactCleanup: boolean, ctx: EngineContext, emit: Emit): Operator => {
  const [asL, asR] = n.as;
  const agg: WindowAggregation<JoinAcc> = {
    create: () => ({ l: [], r: [] }),
    add: (acc, e, port) => {
      (port === 0 ? acc.l : acc.r).push([e.t, canonicalJson(e.v), e.v]);
      return acc;
    },
    merge: (a, b) => ({ l: [...a.l, ...b.l], r: [...a.r, ...b.r] }),
    rows: (kv, w, acc) => {
      const ls = [...acc.l].sort(bySide);
      const rs = [...acc.r].sort(bySide);
      const base = copyFields(kv);
      base.windowStart = Number.isFinite(w.start) ? w.start : null;
      base.windowEnd = Number.isFinite(w.end) ? w.end : null;
      const rowOf = (l: unknown, r: unknown): Record<string, unknown> => {
        const row = copyFields(base);
        setOwnField(row, asL, l);
        setOwnField(row, asR, r);
        return row;
      };
      const rows: unknown[] = [];
      for (const l of ls) {
        if (rs.length === 0) {
          if (n.kind === "left") rows.push(rowOf(l[2], null));
          continue;
        }
        for (const r of rs) rows.push(rowOf(l[2], r[2]));
      }
      return rows;
    },
  };
  return windowedOp({ id: n.id, windows: [left, right], agg, exactCleanup }, ctx, emit);
};
