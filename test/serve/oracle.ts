/** The serving tests' oracle for request stages. */
import { evaluate } from "../../src/expr/interpret.ts";
import type { ServeStage } from "../../src/plan/serve.ts";

/** The oracle: the same request stages applied with the interpreter (src/expr/interpret.ts). */
export const interpretStages = (stages: readonly ServeStage[], rows: readonly unknown[], params: Record<string, unknown>): unknown[] => {
  let cur = [...rows] as Record<string, unknown>[];
  for (const s of stages) {
    switch (s.op) {
      case "filter":
        cur = cur.filter((row) => evaluate(s.expr, { row, params }) === true);
        break;
      case "map":
        cur = cur.map((row) => evaluate(s.expr, { row, params }) as Record<string, unknown>);
        break;
      case "filterItems":
        cur = cur.map((row) => ({ ...row, [s.field]: (row[s.field] as unknown[]).filter((item) => evaluate(s.expr, { row, params, item }) === true) }));
        break;
      case "limit":
        cur = cur.map((row) => {
          const n = evaluate(s.count, { row, params });
          return n === null ? row : { ...row, [s.field]: (row[s.field] as unknown[]).slice(0, n as number) };
        });
        break;
      default:
        throw new Error(`the oracle has no ${s.op}`);
    }
  }
  return cur;
};
