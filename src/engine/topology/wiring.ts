/**
 * How stages are connected: each stage's consumers (with the input port they
 * read it on) and the emitter that hands an element to all of them.
 *
 * @module
 */
import type { Plan, PlanNode } from "../../plan/ir.ts";
import { inputsOf } from "../../plan/ir.ts";
import type { Elem } from "../elem.ts";
import type { Emit, Operator } from "../operator.ts";

/** A stage reading another on `port`; the operator is looked up late, since it may be built after its producer. */
export interface Consumer {
  readonly op: () => Operator;
  readonly port: number;
}

/** Receives elements bound for a stage outside the built part of the plan. */
export type Boundary = (to: string, port: number, e: Elem) => void | Promise<void>;

/**
 * The consumers of every stage. A consumer outside the built part (`built`
 * false) is reached through `boundary`; tables are the exception: every part
 * of a split plan that looks one up loads it itself.
 */
export const consumersOf = (
  plan: Plan,
  byId: ReadonlyMap<string, PlanNode>,
  built: (id: string) => boolean,
  opOf: (id: string) => Operator,
  boundary: Boundary | undefined,
): Map<string, Consumer[]> => {
  const consumers = new Map<string, Consumer[]>();
  for (const n of plan.nodes) {
    inputsOf(n).forEach((input, port) => {
      const list = consumers.get(input) ?? [];
      // A lookup reads its table on port 1.
      const p = n.op === "lookup" && input === n.table ? 1 : port;
      if (built(n.id)) list.push({ op: () => opOf(n.id), port: p });
      else if (built(input) && byId.get(input)!.op !== "table") list.push({ op: boundaryStage(n.id, boundary), port: p });
      consumers.set(input, list);
    });
  }
  return consumers;
};

/** A stand-in operator for stage `to` that forwards to the boundary. */
const boundaryStage = (to: string, boundary: Boundary | undefined): (() => Operator) => {
  if (!boundary) throw new Error(`stage "${to}" is outside the topology but no boundary handler was given`);
  // Pane markers only matter to sinks, and a boundary always feeds a keyed stage, which ignores them.
  const stage: Operator = { id: to, process: (e, q) => (e.marker ? undefined : boundary(to, q, e)), finish: () => {} };
  return () => stage;
};

/**
 * The emitter of a stage: hands each element to every consumer in order,
 * staying synchronous until a consumer returns a promise.
 */
export const emitterOf = (consumers: ReadonlyMap<string, readonly Consumer[]>, id: string): Emit => {
  const list = consumers.get(id) ?? [];
  if (list.length === 1) {
    const { op, port } = list[0]!;
    let target: Operator | undefined;
    return (e) => (target ??= op()).process(e, port);
  }
  return (e) => {
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!.op().process(e, list[i]!.port);
      if (r) {
        const rest = list.slice(i + 1);
        return r.then(async () => {
          for (const c of rest) await c.op().process(e, c.port);
        });
      }
    }
  };
};
