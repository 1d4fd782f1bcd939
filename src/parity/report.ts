/**
 * Readable parity reports: what differs per sink and output key, which late
 * elements and dead letters one runner has and the other lacks, the input
 * that caused it, the pipeline, and how to replay it.
 *
 * @module
 */
import { canonicalJson } from "../core/canonical.ts";
import type { Expr } from "../expr/ast.ts";
import type { Plan, PlanNode } from "../plan/ir.ts";
import type { History } from "./histories.ts";
import type { BagDiff, RunnerDiff } from "./compare.ts";
import { changedSinks } from "./compare.ts";

const j = canonicalJson;

/** An expression as a short call-style text: `gt(x, 0)`, `if(gt(x, 0), x, neg(x))`. */
export const renderExpr = (e: Expr): string => {
  switch (e.op) {
    case "field":
      return e.path.join(".");
    case "lit":
      return j(e.value);
    case "row":
      return "row";
    case "struct":
      return `{${e.fields.map(([k, v]) => `${k}: ${renderExpr(v)}`).join(", ")}}`;
    case "array":
      return `[${e.items.map(renderExpr).join(", ")}]`;
    case "call":
      return `${e.fn}(${e.args.map(renderExpr).join(", ")})`;
  }
};

const nodeText = (n: PlanNode): string => {
  switch (n.op) {
    case "source":
      return `source${n.key.length ? ` key ${n.key.join(",")}` : " (no key)"}`;
    case "table":
      return `table key ${n.key}, validFrom ${n.validFrom}`;
    case "map":
    case "filter":
    case "withTimestamps":
      return `${n.op}(${n.input}) ${renderExpr(n.expr)}`;
    case "flatMap":
      return `flatMap(${n.input}) ${renderExpr(n.expr)}${n.as ? ` as ${n.as}` : ""}`;
    case "keyBy":
      return `keyBy(${n.input}) ${n.fields.join(",")}`;
    case "dispatch":
      return `dispatch(${n.input}) on ${n.field}: ${Object.entries(n.branches)
        .map(([k, v]) => `${k}→${v}`)
        .join(" ")}, otherwise ${n.otherwise}`;
    case "apply":
      return `apply(${n.input}) ${n.executor}`;
    case "window": {
      const w = n.window;
      const fn =
        w.kind === "global"
          ? "global"
          : w.kind === "fixed"
            ? `fixed ${w.size}${w.offset ? `+${w.offset}` : ""}`
            : w.kind === "sliding"
              ? `sliding ${w.size}/${w.period}${w.offset ? `+${w.offset}` : ""}`
              : `session ${w.gap}`;
      return `window(${n.input}) ${fn}, lateness ${n.allowedLateness}${n.trigger.early ? `, early every ${n.trigger.early.every}` : ""}${n.trigger.late ? "" : ", no late panes"}`;
    }
    case "combine":
      return `combine(${n.input}) ${n.aggs.map(([k, a]) => `${k}=${a.fn === "custom" ? a.combiner : a.fn}${"input" in a ? `(${renderExpr(a.input)}${a.fn === "topK" ? `, ${a.k}` : ""})` : "()"}`).join(" ")}`;
    case "join":
      return `join(${n.left}, ${n.right}) ${n.kind} as ${n.as.join(",")}`;
    case "lookup":
      return `lookup(${n.input}) ${n.table} on ${n.on} take ${n.take.map(([a, b]) => `${a}=${b}`).join(",")}`;
    case "sequence":
      return `sequence(${n.input}) latest ${n.latest} id ${n.idField} fields ${n.fields.join(",")} as ${n.as}${n.ttl !== undefined ? ` ttl ${n.ttl}` : ""}`;
    case "dedupe":
      return `dedupe(${n.input}) by ${n.by.join(",")}${n.ttl !== undefined ? ` ttl ${n.ttl}` : ""}`;
    case "flatten":
      return `flatten(${n.inputs.join(", ")})`;
    case "sink":
      return `sink(${n.input})`;
  }
};

/** A plan as one line per stage. */
export const renderPlan = (plan: Plan): string => plan.nodes.map((n) => `  ${n.id}: ${nodeText(n)}`).join("\n");

/** A history as numbered JSONL per input. */
export const renderHistory = (h: History, plan?: Plan): string => {
  const lines: string[] = [];
  const total = Object.values(h.inputs).reduce((n, r) => n + r.length, 0);
  lines.push(`input (${total} record${total === 1 ? "" : "s"}; partitions ${h.partitions}, interleave seed ${h.interleave}):`);
  for (const [name, rows] of Object.entries(h.inputs)) {
    const node = plan?.nodes.find((n) => n.id === name);
    const what = node?.op === "source" ? ` (source${node.key.length ? `, key ${node.key.join(",")}` : ""})` : node?.op === "table" ? " (table)" : "";
    lines.push(`  ${name}${what}:${rows.length === 0 ? " (empty)" : ""}`);
    rows.forEach((r, i) => lines.push(`    ${String(i + 1).padStart(3)}  ${JSON.stringify(r)}`));
  }
  return lines.join("\n");
};

const fieldsDiff = (a: unknown, b: unknown, ref: string, other: string): string[] => {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) || Array.isArray(b)) return [];
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
    if (j(ao[k] ?? null) !== j(bo[k] ?? null)) out.push(`${k}: ${ref} ${k in ao ? j(ao[k]) : "(absent)"}, ${other} ${k in bo ? j(bo[k]) : "(absent)"}`);
  }
  return out;
};

const bagText = (what: string, d: BagDiff, ref: string, other: string): string[] => {
  if (d.missing.length + d.extra.length === 0) return [];
  const lines = [`${what}: ${d.missing.length} only on ${ref}, ${d.extra.length} only on ${other}`];
  for (const x of d.missing) lines.push(`  - only on ${ref}: ${j(x)}`);
  for (const x of d.extra) lines.push(`  + only on ${other}: ${j(x)}`);
  return lines;
};

/** The differences between a runner and the reference, readably. */
export const renderDiff = (d: RunnerDiff): string => {
  const ref = d.reference;
  const other = d.runner;
  const lines: string[] = [`${ref} ≠ ${other}`];
  if (d.failure) {
    if (d.failure.reference) lines.push(`  ${ref} failed: ${d.failure.reference}`);
    else lines.push(`  ${ref} succeeded`);
    if (d.failure.runner) lines.push(`  ${other} failed: ${d.failure.runner}`);
    else lines.push(`  ${other} succeeded`);
    return lines.join("\n");
  }
  for (const s of changedSinks(d)) {
    lines.push(
      `sink "${s.sink}"${s.keyFields ? ` (output key ${s.keyFields.join(", ")})` : " (rows without output key)"}: ${s.missing.length} missing, ${s.extra.length} extra, ${s.different.length} different on ${other}`,
    );
    for (const m of s.missing) {
      lines.push(`  - missing on ${other}: ${j(m.key)}`);
      if (s.keyFields) for (const r of m.rows) lines.push(`      ${ref}: ${j(r)}`);
    }
    for (const m of s.extra) {
      lines.push(`  + extra on ${other}: ${j(m.key)}`);
      if (s.keyFields) for (const r of m.rows) lines.push(`      ${other}: ${j(r)}`);
    }
    for (const m of s.different) {
      lines.push(`  ~ different: ${j(m.key)}`);
      if (m.expected.length === 1 && m.actual.length === 1) for (const f of fieldsDiff(m.expected[0], m.actual[0], ref, other)) lines.push(`      ${f}`);
      for (const r of m.expected) lines.push(`      ${ref}: ${j(r)}`);
      for (const r of m.actual) lines.push(`      ${other}: ${j(r)}`);
    }
  }
  lines.push(...bagText("late elements", d.late, ref, other));
  lines.push(...bagText("dead letters", d.deadLetters, ref, other));
  return lines.join("\n");
};
