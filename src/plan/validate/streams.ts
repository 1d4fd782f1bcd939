/**
 * Validators of the stages that shape a stream: sources, tables, event
 * times, keys and flatten.
 *
 * @module
 */
import type { FlattenNode, KeyByNode, SourceNode, TableNode, WithTimestampsNode } from "../ir.ts";
import type { NodeValidator } from "./facts.ts";
import { sameWindow, UNSHAPED } from "./facts.ts";

/** A source starts an unkeyed, untimed stream. */
export const validateSource: NodeValidator<SourceNode> = () => UNSHAPED;

/** A table is keyed by its key field and timed by its versions. */
export const validateTable: NodeValidator<TableNode> = ({ node }) => ({ key: [node.key], timed: true, window: null, multiPane: false });

/** withTimestamps makes the stream timed. */
export const validateWithTimestamps: NodeValidator<WithTimestampsNode> = ({ input }) => ({ ...input, timed: true });

/** keyBy needs a field and keys the stream by its fields. */
export const validateKeyBy: NodeValidator<KeyByNode> = ({ node, input, report }) => {
  if (node.fields.length === 0) report("keyBy needs at least one field", 'name the key field(s), e.g. L.keyBy("userId")');
  return { ...input, key: node.fields };
};

/** flatten needs inputs keyed alike; it keeps a window only when all inputs share it. */
export const validateFlatten: NodeValidator<FlattenNode> = ({ ins, report }) => {
  const keyed = ins.map((f) => f.key !== null);
  if (keyed.some((k) => k !== keyed[0])) report("mixes keyed and unkeyed streams", "key all inputs the same way, or none");
  return {
    key: ins[0]?.key ?? null,
    timed: ins.every((f) => f.timed),
    window: ins.every((f) => f.window && ins[0]!.window && sameWindow(f.window.window, ins[0]!.window.window)) ? (ins[0]?.window ?? null) : null,
    multiPane: ins.some((f) => f.multiPane),
  };
};
