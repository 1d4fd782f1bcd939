/**
 * Drawing a plan as Mermaid or Graphviz (dot).
 *
 * @module
 */
import { formatWindowSpec } from "../window/assign.ts";
import { inputsOf } from "../plan/ir.ts";
import type { Plan, PlanNode } from "../plan/ir.ts";
import { paramNames } from "../plan/serve.ts";
import type { ServeSpec } from "../plan/serve.ts";

/** A serving declaration in one line: its parameters, then its request stages. */
const serveLabel = (s: ServeSpec): string => {
  const params = paramNames(s.params) ?? [];
  const stages = s.stages.map((x) => (x.op === "filterItems" || x.op === "limit" ? `${x.op} ${x.field}` : x.op === "apply" ? `apply ${x.executor}` : x.op));
  return `params ${params.length ? params.join(", ") : "(none)"}${stages.length ? ` → ${stages.join(" → ")}` : ""}`;
};

const labelOf = (n: PlanNode): string => {
  switch (n.op) {
    case "source":
      return n.key.length ? `source ${n.id} (key ${n.key.join(", ")})` : `source ${n.id}`;
    case "table":
      return `table ${n.id} (key ${n.key}, validFrom ${n.validFrom})`;
    case "keyBy":
      return `keyBy ${n.fields.join(", ")}`;
    case "window":
      return `window ${formatWindowSpec(n.window)}${n.allowedLateness ? ` lateness ${n.allowedLateness}ms` : ""}`;
    case "combine":
      return `combine ${n.aggs.map(([k, a]) => `${k}=${a.fn}`).join(", ")}`;
    case "sequence":
      return `sequence latest ${n.latest} by ${n.idField}`;
    case "dedupe":
      return `dedupe ${n.by.join(", ")}`;
    case "dispatch":
      return `dispatch ${n.field}`;
    case "apply":
      return `apply ${n.executor}`;
    case "join":
      return `${n.kind} join`;
    case "lookup":
      return `lookup ${n.table} on ${n.on}`;
    case "sink":
      return n.serve ? `sink ${n.id}, served: ${serveLabel(n.serve)}` : `sink ${n.id}`;
    default:
      return n.op;
  }
};

/** The graph text of a plan. */
export const renderGraph = (plan: Plan, format: "mermaid" | "dot"): string => {
  const ids = new Map(plan.nodes.map((n, i) => [n.id, `n${i}`]));
  const esc = (s: string) => s.replace(/"/g, "'");
  if (format === "dot") {
    const lines = [`digraph "${esc(plan.name)}" {`, "  rankdir=LR;"];
    for (const n of plan.nodes)
      lines.push(
        `  ${ids.get(n.id)} [label="${esc(n.id)}\\n${esc(labelOf(n))}"${n.op === "source" || n.op === "table" || n.op === "sink" ? ", shape=box" : ""}];`,
      );
    for (const n of plan.nodes) for (const i of inputsOf(n)) lines.push(`  ${ids.get(i)} -> ${ids.get(n.id)};`);
    return lines.join("\n") + "\n}\n";
  }
  const lines = ["flowchart LR"];
  for (const n of plan.nodes) {
    const text = `"${esc(n.id)}<br/>${esc(labelOf(n))}"`;
    lines.push(`  ${ids.get(n.id)}${n.op === "source" || n.op === "table" ? `[(${text})]` : n.op === "sink" ? `[/${text}/]` : `[${text}]`}`);
  }
  for (const n of plan.nodes) for (const i of inputsOf(n)) lines.push(`  ${ids.get(i)} --> ${ids.get(n.id)}`);
  return lines.join("\n") + "\n";
};
