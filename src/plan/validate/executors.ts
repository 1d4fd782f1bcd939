/**
 * Validators of the stages that call executors: apply and dispatch. Without a
 * registry the references are not checked (a definition file may be checked
 * before its executors are at hand).
 *
 * @module
 */
import { describeKnown } from "../../registry/registry.ts";
import type { ApplyNode, DispatchNode } from "../ir.ts";
import type { NodeValidator } from "./facts.ts";

const REGISTER_FIX = "register that executor version (e.g. lockstep run … --executors <module>)";

/** Every executor a dispatch branch names must be registered. */
export const validateDispatch: NodeValidator<DispatchNode> = ({ node, input, registry, report }) => {
  if (registry) {
    for (const [value, b] of Object.entries(node.branches)) {
      if (b !== "keep" && b !== "drop" && !registry.executors.has(b)) {
        report(`branch "${value}" uses executor "${b}", which is not registered (${describeKnown(registry, b, "executor")})`, REGISTER_FIX);
      }
    }
  }
  return input;
};

/** The executor an apply names must be registered. */
export const validateApply: NodeValidator<ApplyNode> = ({ node, input, registry, report }) => {
  if (registry && !registry.executors.has(node.executor)) {
    report(`uses executor "${node.executor}", which is not registered (${describeKnown(registry, node.executor, "executor")})`, REGISTER_FIX);
  }
  return input;
};
