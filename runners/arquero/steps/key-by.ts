/**
 * `keyBy`: the stage key as canonical JSON (`_k`, what keyed stages group
 * by) and as `{field: value}` (`_kv`, what their rows start with). Both
 * travel with the element through later stateless stages.
 *
 * @module
 */
import type { KeyByNode } from "../../../src/plan/ir.ts";
import { COL, fieldColumn } from "../columns.ts";
import type { Step } from "../step.ts";

/** The arquero expressions of a key, given the field columns present (`null` for the others). */
export const keyExprs = (fields: readonly string[], present: (column: string) => boolean): { k: string; kv: string } => {
  const vals = fields.map((f) => (present(fieldColumn(f)) ? `(d[${JSON.stringify(fieldColumn(f))}] ?? null)` : "null"));
  // Computed keys: a plain "__proto__" key would set the prototype.
  return {
    k: `d => op.ls_json([${vals.join(", ")}])`,
    kv: `d => ({ ${fields.map((f, i) => `[${JSON.stringify(f)}]: ${vals[i]}`).join(", ")} })`,
  };
};

/** The step of a keyBy: one derive. */
export const keyByStep = (n: KeyByNode): Step => {
  const shown = keyExprs(n.fields, () => true);
  return {
    stage: n.id,
    op: n.op,
    mode: "columnar",
    verbs: [`derive({ ${COL.k}: ${shown.k}, ${COL.kv}: ${shown.kv} })`],
    fallbacks: [],
    run: ([input], rt) => {
      const names = new Set(input!.columnNames());
      const e = keyExprs(n.fields, (c) => names.has(c));
      const m = rt.metrics(n.id);
      m.in += input!.numRows();
      m.out += input!.numRows();
      return input!.derive({ [COL.k]: e.k, [COL.kv]: e.kv });
    },
  };
};
