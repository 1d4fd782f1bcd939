/**
 * Validators of the stages that bring two streams together: join and
 * point-in-time lookup.
 *
 * @module
 */
import type { JoinNode, LookupNode } from "../ir.ts";
import type { NodeValidator } from "./facts.ts";
import { sameWindow } from "./facts.ts";

/** Both sides of a join must be keyed by as many fields and windowed the same way. */
export const validateJoin: NodeValidator<JoinNode> = ({ ins, input, report, noMultiPane }) => {
  const [l, r] = ins;
  // A side that is not an earlier stage is reported already (as an unknown input).
  if (!l || !r) return input;
  if (l.key === null || r.key === null) report("both sides of a join must be keyed", "add L.keyBy(...) to each side");
  else if (l.key.length !== r.key.length)
    report(`the sides are keyed by ${l.key.length} and ${r.key.length} fields`, "key both sides by the same number of fields, in the same order of meaning");
  if (!l.window || !r.window) report("both sides of a join must be windowed", "add L.window(...) to each side, with the same window");
  else if (!sameWindow(l.window.window, r.window.window)) report("the two sides have different windows", "window both sides the same way");
  if (l.multiPane || r.multiPane) noMultiPane();
  return { key: l.key, timed: true, window: l.window, multiPane: true };
};

/** A lookup reads a table, at the event time of each element. */
export const validateLookup: NodeValidator<LookupNode> = ({ node, input, byId, report }) => {
  const table = byId.get(node.table);
  if (table && table.op !== "table") report(`looks up "${node.table}", which is a ${table.op}, not a table`, "pass a table(...) to L.lookup");
  if (!input.timed) report("a point-in-time lookup needs event times", "add L.withTimestamps(...) upstream");
  return input;
};
