/**
 * Validators of the keyed, stateful stages: combine (aggregates), sequence
 * and dedupe.
 *
 * @module
 */
import { describeKnown } from "../../registry/registry.ts";
import type { CombineNode, DedupeNode, SequenceNode } from "../ir.ts";
import type { NodeValidator } from "./facts.ts";

/**
 * combine needs a keyed stream that is not already multi-pane, aggregate
 * names that are unique and not key or window fields, and registered custom
 * combiners. Its output fires more than once unless its window fires once.
 */
export const validateCombine: NodeValidator<CombineNode> = ({ node, input, registry, report, needKey, noMultiPane }) => {
  needKey("combine");
  noMultiPane();
  const names = new Set<string>();
  const reserved = new Set([...(input.key ?? []), ...(input.window ? ["windowStart", "windowEnd"] : [])]);
  for (const [name, agg] of node.aggs) {
    if (names.has(name)) report(`the aggregate "${name}" is defined twice`, "give each aggregate its own output name");
    if (reserved.has(name)) report(`the aggregate "${name}" has the name of a key or window field`, "rename the aggregate");
    names.add(name);
    if (agg.fn === "topK" && !(Number.isInteger(agg.k) && agg.k >= 1)) report(`topK of ${agg.k} is not a whole number ≥ 1`, 'use e.g. L.topK("score", 10)');
    if (agg.fn === "custom" && registry && !registry.combiners.has(agg.combiner)) {
      report(
        `the combiner "${agg.combiner}" is not registered (${describeKnown(registry, agg.combiner, "combiner")})`,
        "register that combiner version (e.g. lockstep run … --executors <module>)",
      );
    }
  }
  const w = input.window;
  const fires = w === null || w.window.kind === "global" ? Boolean(w?.trigger.early) : true;
  return { key: input.key, timed: input.timed, window: w, multiPane: fires };
};

/** sequence needs a timed, keyed, single-pane stream, a whole `latest` ≥ 1 and fields; it updates per element. */
export const validateSequence: NodeValidator<SequenceNode> = ({ node, input, report, needKey, noMultiPane }) => {
  needKey("sequence");
  noMultiPane();
  if (!input.timed) report("a sequence orders by event time", "add L.withTimestamps(...) upstream");
  if (!(Number.isInteger(node.latest) && node.latest >= 1)) report(`latest ${node.latest} is not a whole number ≥ 1`, "use e.g. { latest: 50 }");
  if (node.fields.length === 0) report("a sequence keeps no fields", "list the fields each entry keeps");
  return { key: input.key, timed: true, window: null, multiPane: true };
};

/** dedupe must not read multi-pane output (the first pane differs by runner), needs a field, and a ttl needs event times. */
export const validateDedupe: NodeValidator<DedupeNode> = ({ node, input, report }) => {
  if (input.multiPane) {
    report(
      "reads the panes of a keyed aggregate that may fire more than once; which pane comes first differs between runners, so keeping the first would not be deterministic",
      "dedupe before the aggregate, or use a global window without early firings upstream",
    );
  }
  if (node.by.length === 0) report("dedupe needs at least one field", 'name the id field(s), e.g. L.dedupe("eventId")');
  if (node.ttl !== undefined && !input.timed) report("a dedupe ttl is measured in event time", "add L.withTimestamps(...) upstream or drop the ttl");
  return input;
};
