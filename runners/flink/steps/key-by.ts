/**
 * `keyBy`: the key's values as meta columns `_k0…` (a missing field is
 * null, §6), which travel with the element even when later stages change
 * its fields. A number key has `-0` made `0`: keys are equal by canonical
 * JSON, where `-0` is written `0`, but SQL groups the two apart.
 *
 * @module
 */
import type { KeyByNode } from "../../../src/plan/ir.ts";
import { sqlNull } from "../../../src/expr/compile-sql.ts";
import type { Rel } from "../rel.ts";
import { allColumns, selectList } from "../rel.ts";
import { view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { refuse } from "../step.ts";

/** The step of a keyBy. */
export const keyByStep: StepFn<KeyByNode> = (n, [input], b) => {
  if (input!.pane !== null) return refuse(n.id, "a keyBy after a combine is not in the Flink slice yet");
  const byName = new Map(input!.fields.map((f) => [f.name, f]));
  const keys = n.fields.map((name) => {
    const f = byName.get(name);
    if (f === undefined) return refuse(n.id, input!.unsupported.get(name) ?? `the key field "${name}" is not a known column of this stage's rows`);
    return f;
  });
  const rel: Rel = { ...input!, view: b.name(n.id), key: keys.map((f) => f.kind) };
  const replace: Record<string, string> = {};
  keys.forEach((f, i) => {
    replace[`_k${i}`] = f.kind === "number" ? `CASE WHEN ${f.column} = 0 THEN 0E0 ELSE ${f.column} END` : f.kind === "null" ? sqlNull("boolean") : f.column;
  });
  b.define(view(rel.view, `SELECT ${selectList(allColumns(rel), replace)} FROM ${input!.view}`));
  return rel;
};
