/**
 * `lookup` (§10): point in time — an element with event time `t` takes the
 * table version of its key whose `validFrom` is the greatest `≤ t`; of
 * versions sharing a `validFrom`, the one whose canonical JSON sorts last.
 * In SQL each version gets the interval it is the answer for, so the join
 * matches at most one version per element and needs no element identity:
 *
 * 1. per (key, validFrom) the winner: `ROW_NUMBER() OVER (PARTITION BY key,
 *    validFrom ORDER BY ls_u16(_raw) DESC) = 1` (`_raw` is the row's
 *    canonical JSON; `ls_u16` orders by UTF-16 code unit, §1);
 * 2. its interval `[validFrom, LEAD(validFrom))` over the key's winners;
 * 3. `LEFT JOIN … ON key IS NOT DISTINCT FROM on AND validFrom ≤ _t AND
 *    (_until IS NULL OR _t < _until)`.
 *
 * Keys are equal as canonical JSON (§6): a number `-0` is `0`, a missing
 * value is `null` and matches a table row whose key is null; keys of two
 * different kinds never match. Each `take` field is set (null without a
 * version or when the version lacks it): over the record as an `overlay`
 * while the element is the source record, else as a field column.
 *
 * @module
 */
import type { LookupNode, TableNode } from "../../../src/plan/ir.ts";
import type { FieldColumn, Rel } from "../rel.ts";
import { metaColumns } from "../rel.ts";
import { view } from "../sql.ts";
import type { StepFn } from "../step.ts";
import { refuse, sqlType } from "../step.ts";

/** The column of `name` in `rel`, or the stage refused. */
const columnOf = (stage: string, rel: Rel, name: string, what: string): FieldColumn =>
  rel.fields.find((f) => f.name === name) ?? refuse(stage, rel.unsupported.get(name) ?? `the ${what} field "${name}" is not a known column of its rows`);

/** A key column as canonical JSON equality wants it (`-0` is `0`). */
const keySql = (c: string, kind: FieldColumn["kind"]): string => (kind === "number" ? `CASE WHEN ${c} = 0 THEN 0E0 ELSE ${c} END` : c);

/** The step of a lookup. */
export const lookupStep: StepFn<LookupNode> = (n, [input, tableRel], b) => {
  const rel = input!;
  const table = b.byId.get(n.table) as TableNode;
  const versions = tableRel!;
  if (rel.pane !== null) return refuse(n.id, "a lookup after a combine is not in the Flink slice yet");
  const on = rel.fields.find((f) => f.name === n.on);
  if (on === undefined && rel.unsupported.has(n.on)) return refuse(n.id, rel.unsupported.get(n.on)!);
  const onKind: FieldColumn["kind"] = on?.kind ?? "null";
  const key = columnOf(n.id, versions, table.key, "table key");
  const from = columnOf(n.id, versions, table.validFrom, "validFrom");
  const takes = n.take.map(([to, f]) => ({ to, from: columnOf(n.id, versions, f, "take") }));

  // 1–2: the winner per (key, validFrom) and the interval it answers for.
  const winners = b.name(`${n.id}_winners`);
  const k = keySql(key.column, key.kind);
  b.define(
    view(
      winners,
      `SELECT ${k} AS _vk, ${from.column} AS _vf, ${takes.map((x, i) => `${x.from.column} AS _v${i}`).join(", ")}${takes.length > 0 ? ", " : ""}ROW_NUMBER() OVER (PARTITION BY ${k}, ${from.column} ORDER BY ls_u16(_raw) DESC) AS _vn FROM ${versions.view}`,
    ),
  );
  b.useUdfs();
  const intervals = b.name(`${n.id}_versions`);
  b.define(
    view(
      intervals,
      `SELECT _vk, _vf, ${takes.map((_, i) => `_v${i}, `).join("")}LEAD(_vf) OVER (PARTITION BY _vk ORDER BY _vf) AS _vt FROM ${winners} WHERE _vn = 1`,
    ),
  );

  // The output fields: a take replaces the field of its name or adds one (a later take wins).
  const fields = [...rel.fields];
  const taken = new Map<string, number>();
  let next = Math.max(-1, ...rel.fields.map((f) => Number(f.column.slice(1)))) + 1;
  for (const [i, x] of takes.entries()) {
    const at = fields.findIndex((f) => f.name === x.to);
    const col: FieldColumn = { name: x.to, column: `f${next++}`, kind: x.from.kind };
    if (at >= 0) fields[at] = col;
    else fields.push(col);
    taken.set(x.to, i);
  }
  const unsupported = new Map([...rel.unsupported].filter(([name]) => !taken.has(name)));
  const overlay = rel.raw ? [...(rel.overlay ?? []).filter((name) => !taken.has(name)), ...taken.keys()] : [];
  const out: Rel = { ...rel, view: b.name(n.id), fields, unsupported, overlay };

  const sameKind = onKind === key.kind || onKind === "null" || key.kind === "null";
  const eSide = onKind === "null" ? `CAST(NULL AS ${sqlType(key.kind)})` : keySql(`e.${on!.column}`, onKind);
  const vSide = key.kind === "null" && onKind !== "null" ? `CAST(v._vk AS ${sqlType(onKind)})` : "v._vk";
  const cond = sameKind ? `${eSide} IS NOT DISTINCT FROM ${vSide} AND v._vf <= e._t AND (v._vt IS NULL OR e._t < v._vt)` : "FALSE";
  const select = [
    ...metaColumns(rel).map((c) => `e.${c} AS ${c}`),
    ...fields.map((f) => {
      const i = taken.get(f.name);
      if (i === undefined) return `e.${f.column} AS ${f.column}`;
      return sameKind ? `v._v${i} AS ${f.column}` : `CAST(NULL AS ${sqlType(f.kind)}) AS ${f.column}`;
    }),
  ];
  b.define(view(out.view, `SELECT ${select.join(", ")} FROM ${rel.view} AS e LEFT JOIN ${intervals} AS v ON ${cond}`));
  return out;
};
