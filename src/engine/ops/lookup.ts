/**
 * `lookup`: point-in-time enrichment. The table's rows arrive on port 1 and
 * are kept per key sorted by `validFrom`; an element on port 0 takes the row
 * with the greatest `validFrom` ≤ its event time (two versions with the same
 * `validFrom`: the one whose canonical JSON sorts last wins, so the choice
 * does not depend on arrival order).
 *
 * @module
 */
import { canonicalJson, compareStrings } from "../../core/canonical.ts";
import type { LookupNode, TableNode } from "../../plan/ir.ts";
import { withValue } from "../elem.ts";
import type { Emit, EngineContext, Operator } from "../operator.ts";
import { originFields } from "../operator.ts";
import { ownField, setOwnField } from "../../core/fields.ts";

/** One stored version: [validFrom, canonical JSON, row]. */
type Version = [number, string, Record<string, unknown>];

const cmpVersion = (a: Version, b: Version): number => a[0] - b[0] || compareStrings(a[1], b[1]);

/** The operator; versions live in the store `versions` (table key → sorted versions). */
export const lookupOp = (n: LookupNode, table: TableNode, ctx: EngineContext, emit: Emit): Operator => {
  const versions = ctx.state.store<Version[]>(n.id, "versions");
  const m = ctx.metrics(n.id);
  const on = n.on;
  const take = n.take;
  const keyOf = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : canonicalJson(v ?? null));
  return {
    id: n.id,
    process: (e, port) => {
      if (port === 1) {
        const row = e.v as Record<string, unknown>;
        const from = ownField(row, table.validFrom);
        if (typeof from !== "number" || !Number.isFinite(from)) {
          m.deadLetters++;
          ctx.deadLetter({
            ...originFields(e.origin),
            stage: n.id,
            reason: `table row's ${table.validFrom} is ${canonicalJson(from)}, not a finite number of ms`,
            value: row,
          });
          return;
        }
        const key = keyOf(ownField(row, table.key));
        const list = versions.get(key) ?? [];
        const v: Version = [from, canonicalJson(row), row];
        // Insert in order; the common case (versions arriving in time order) appends.
        let i = list.length;
        while (i > 0 && cmpVersion(list[i - 1]!, v) > 0) i--;
        if (!(i > 0 && cmpVersion(list[i - 1]!, v) === 0)) list.splice(i, 0, v);
        versions.set(key, list);
        return;
      }
      if (e.marker) return emit(e);
      m.in++;
      const list = versions.get(keyOf(ownField(e.v, on)));
      let row: Record<string, unknown> | undefined;
      if (list) {
        // Binary search: last version with validFrom ≤ t.
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (list[mid]![0] <= e.t) lo = mid + 1;
          else hi = mid;
        }
        row = lo > 0 ? list[lo - 1]![2] : undefined;
      }
      const out: Record<string, unknown> = { ...e.v };
      for (const [to, from] of take) setOwnField(out, to, row === undefined ? null : ownField(row, from)); // a target "__proto__" stays a field
      m.out++;
      return emit(withValue(e, out));
    },
    finish: () => {},
  };
};
