/**
 * `keyBy`: the stage key as canonical JSON of its values (`_k`, what keyed
 * stages group by) and its field names (`_kn`: one shared array, not an
 * object per row; a keyed stage rebuilds `{field: value}` once per key).
 * Both travel with the element through later stateless stages.
 *
 * @module
 */
import type { KeyByNode } from "../../../src/plan/ir.ts";
import { COL, fieldColumn } from "../columns.ts";
import type { Step } from "../step.ts";

/** The arquero expression of a key's canonical JSON, given the field columns present (`null` for the others). */
export const keyExpr = (fields: readonly string[], present: (column: string) => boolean): string => {
  const vals = fields.map((f) => (present(fieldColumn(f)) ? `(d[${JSON.stringify(fieldColumn(f))}] ?? null)` : "null"));
  // One field (the common case): no array per row, and one text per distinct string value (see key-text.ts).
  if (vals.length === 1 && vals[0] !== "null") return `d => op.ls_key1(${vals[0]})`;
  return `d => op.ls_json([${vals.join(", ")}])`;
};

let calls = 0;

/** The step of a keyBy: one derive. */
export const keyByStep = (n: KeyByNode): Step => {
  const names = Object.freeze([...n.fields]);
  return {
    stage: n.id,
    op: n.op,
    mode: "columnar",
    verbs: [`derive({ ${COL.k}: ${keyExpr(n.fields, () => true)}, ${COL.kn}: ${JSON.stringify(names)} })`],
    fallbacks: [],
    run: ([input], rt) => {
      const present = new Set(input!.columnNames());
      const param = `kn${calls++}`;
      const m = rt.metrics(n.id);
      m.in += input!.numRows();
      m.out += input!.numRows();
      return input!.params({ [param]: names }).derive({ [COL.k]: keyExpr(n.fields, (c) => present.has(c)), [COL.kn]: `(d, $) => $.${param}` });
    },
  };
};
