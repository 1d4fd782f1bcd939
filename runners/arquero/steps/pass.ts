/**
 * `window`: assigns nothing itself; the keyed stage that reads it windows
 * its input (see `windows.ts`).
 *
 * @module
 */
import type { WindowNode } from "../../../src/plan/ir.ts";
import { formatWindowSpec } from "../../../src/window/assign.ts";
import type { Step } from "../step.ts";

/** A step body that counts the rows in and out and passes the table on unchanged. */
export const passRows =
  (stage: string): Step["run"] =>
  ([input], rt) => {
    const m = rt.metrics(stage);
    m.in += input!.numRows();
    m.out += input!.numRows();
    return input!;
  };

/** The step of a window stage: the table passes unchanged. */
export const windowStep = (n: WindowNode): Step => ({
  stage: n.id,
  op: n.op,
  mode: "columnar",
  verbs: [`(none: ${formatWindowSpec(n.window)}, allowed lateness ${n.allowedLateness} ms, applied by the next keyed stage)`],
  fallbacks: [],
  run: passRows(n.id),
});
