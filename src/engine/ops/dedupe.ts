/**
 * `dedupe`: the first element per id (in arrival order) passes, later ones
 * are dropped and counted. With a ttl, an id is forgotten once the arriving
 * element's source clock is `ttl` past the remembered event time.
 *
 * @module
 */
import { canonicalJson } from "../../core/canonical.ts";
import type { DedupeNode } from "../../plan/ir.ts";
import type { Emit, EngineContext, Operator } from "../operator.ts";
import { ownField } from "../../core/fields.ts";

/**
 * The id of an element for `dedupe(by)`: the canonical JSON of its `by` value
 * (one field) or values. Streaming runners route a dedupe's input by it, so
 * every element of one id meets in one place.
 */
export const dedupeIdOf = (n: Pick<DedupeNode, "by">): ((v: unknown) => string) => {
  const by = n.by;
  type Row = Readonly<Record<string, unknown>>;
  return by.length === 1 ? (v) => canonicalJson(ownField(v as Row, by[0]!)) : (v) => canonicalJson(by.map((f) => ownField(v as Row, f)));
};

/** The operator; seen ids live in the store `seen` (id → event time). */
export const dedupeOp = (n: DedupeNode, ctx: EngineContext, emit: Emit): Operator => {
  const seen = ctx.state.store<number>(n.id, "seen");
  const m = ctx.metrics(n.id);
  const ttl = n.ttl;
  const idOf = dedupeIdOf(n);
  return {
    id: n.id,
    process: (e) => {
      if (e.marker) return emit(e);
      m.in++;
      const id = idOf(e.v);
      const first = seen.get(id);
      if (first !== undefined && (ttl === undefined || e.c < first + ttl)) {
        m.duplicates++;
        return;
      }
      seen.set(id, e.t);
      m.out++;
      return emit(e);
    },
    finish: () => {},
  };
};
