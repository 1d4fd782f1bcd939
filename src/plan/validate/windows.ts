/**
 * The validator of window stages: the window function, event times, the
 * early trigger and allowed lateness.
 *
 * @module
 */
import { validateWindowFn } from "../../window/assign.ts";
import type { WindowNode } from "../ir.ts";
import type { NodeValidator } from "./facts.ts";

/** A window needs a keyed stream, a valid window function and, unless global, event times. */
export const validateWindow: NodeValidator<WindowNode> = ({ node, input, report, push, needKey }) => {
  needKey("window");
  push(...validateWindowFn(node.window, `stage "${node.id}" (window)`));
  if (node.window.kind !== "global" && !input.timed) report("a time-based window needs event times", "add L.withTimestamps(...) upstream");
  if (node.trigger.early && !(Number.isInteger(node.trigger.early.every) && node.trigger.early.every >= 1)) {
    report(`early firing every ${node.trigger.early.every} elements is not a whole number ≥ 1`, "use e.g. { early: { every: 100 } }");
  }
  if (!(node.allowedLateness >= 0)) report("allowedLateness must be ≥ 0", 'use e.g. "5s"');
  return { ...input, window: node };
};
