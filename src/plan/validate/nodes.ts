/**
 * The table of per-op validators. Adding an op: write its validator in the
 * file of its family and add one line here; ops absent from the table (map,
 * filter, flatMap, sink) keep their input's facts.
 *
 * @module
 */
import type { PlanNode } from "../ir.ts";
import { validateApply, validateDispatch } from "./executors.ts";
import type { NodeCheck, NodeValidator, NodeValidators, StreamFacts } from "./facts.ts";
import { validateJoin, validateLookup } from "./joins.ts";
import { validateCombine, validateDedupe, validateSequence } from "./keyed-state.ts";
import { validateFlatten, validateKeyBy, validateSource, validateTable, validateWithTimestamps } from "./streams.ts";
import { validateWindow } from "./windows.ts";

/** The validator of each op that has one. */
export const NODE_VALIDATORS: NodeValidators = {
  source: validateSource,
  table: validateTable,
  withTimestamps: validateWithTimestamps,
  keyBy: validateKeyBy,
  flatten: validateFlatten,
  window: validateWindow,
  combine: validateCombine,
  sequence: validateSequence,
  dedupe: validateDedupe,
  join: validateJoin,
  lookup: validateLookup,
  dispatch: validateDispatch,
  apply: validateApply,
};

/** Checks one stage with its op's validator and returns its output's facts. */
export const validateNode = (check: NodeCheck): StreamFacts => {
  // The table is keyed by op, so the validator found matches the node's type.
  const validator = NODE_VALIDATORS[check.node.op] as NodeValidator<PlanNode> | undefined;
  return validator ? validator(check) : check.input;
};
