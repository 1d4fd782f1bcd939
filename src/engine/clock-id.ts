/**
 * The clock id of a source's element: the input's name, then NUL and the
 * source-key text when the source is keyed (docs/semantics.md: lateness is
 * judged per source key, so each source key has its own clock). One rule for
 * every runner: the DirectRunner's inputs and the Arquero runner's columns
 * both take it from here.
 *
 * @module
 */
import type { SourceNode, TableNode } from "../plan/ir.ts";
import { ownField } from "../core/fields.ts";
import { sourceKeyText } from "./edge.ts";

/** Distinct source-key values whose clock ids are kept per input (past that, each is made again). */
const CLOCK_ID_CACHE_MAX = 1 << 16;

/**
 * The clock id of each admitted value of `node`. Keys repeat (users, sessions), so for a source keyed
 * by one field the id of each string value is kept: one flat string, hashed once, where a new one
 * would be built and hashed again by every clock lookup (measured: a tenth of a stateless chain's time).
 */
export const clockIdOf = (node: SourceNode | TableNode): ((v: Readonly<Record<string, unknown>>) => string) => {
  const input = node.id;
  if (node.op !== "source" || node.key.length === 0) return () => input;
  const make = (v: Readonly<Record<string, unknown>>): string => input + "\u0000" + sourceKeyText(node, v);
  if (node.key.length !== 1) return make;
  const field = node.key[0]!;
  const ids = new Map<string, string>();
  return (v) => {
    const kv = ownField(v, field);
    if (typeof kv !== "string") return make(v);
    let id = ids.get(kv);
    if (id === undefined) {
      id = make(v);
      if (ids.size < CLOCK_ID_CACHE_MAX) ids.set(kv, id);
    }
    return id;
  };
};
