/**
 * The input edge of a topology: a raw record of a source or table is judged
 * (`admit`: not JSON, not an object, rejected by the schema → a dead letter
 * with offset and reason) and an accepted value enters the graph in a fresh
 * envelope with its clock id (source name + source-key text).
 *
 * @module
 */
import type { Plan, SourceNode, TableNode } from "../../plan/ir.ts";
import { makeDecoder } from "../../schema/decode.ts";
import type { Decoder } from "../../schema/decode.ts";
import { fromSchema } from "../../schema/from-schema.ts";
import { admit } from "../edge.ts";
import { clockIdOf } from "../clock-id.ts";
import type { DeadLetterBody } from "../edge.ts";
import { elem } from "../elem.ts";
import type { Origin } from "../elem.ts";
import type { Emit, EngineContext, StageMetrics } from "../operator.ts";
import type { RawRecord } from "../raw-record.ts";

/** A source or table of the built part, with its decoder and where its elements go. */
export interface InputEntry {
  readonly node: SourceNode | TableNode;
  readonly decode: Decoder;
  readonly emit: Emit;
  /** When the input's one reader is a fused chain: its entry, which takes the value without an envelope. */
  readonly enter: ((v: unknown, sk: string, origin: Origin) => void | Promise<void>) | undefined;
  /** The clock id of an admitted value: the input's name, then NUL and the source-key text when the source is keyed. */
  readonly clockId: (v: Readonly<Record<string, unknown>>) => string;
}

/** The entry of input `node`, decoding with its schema. */
export const inputEntry = (node: SourceNode | TableNode, emit: Emit, enter?: InputEntry["enter"]): InputEntry => ({
  node,
  decode: makeDecoder(fromSchema(node.schema)),
  emit,
  enter,
  clockId: clockIdOf(node),
});

/** Feeds one record of input `input`; a rejected record becomes a dead letter. */
export type Push = (input: string, record: RawRecord) => void | Promise<void>;

/** The `push` of a topology over its inputs `entries`. */
export const inputPusher = (plan: Plan, ctx: EngineContext, entries: ReadonlyMap<string, InputEntry>): Push => {
  // Each input's counters, asked for at its first record (an input that reads none has none, as before),
  // then kept: the lookup per record was a measurable part of a stateless chain's time.
  const counters = new Map<string, StageMetrics>();
  const dead = (input: string, r: RawRecord, m: StageMetrics, reason: string, extra: DeadLetterBody): void => {
    m.deadLetters++;
    ctx.deadLetter({ source: input, offset: r.offset, ...(r.partition === undefined ? {} : { partition: r.partition }), stage: input, reason, ...extra });
  };
  return (input, r) => {
    const entry = entries.get(input);
    if (!entry) throw new Error(`"${input}" is not a source or table of pipeline "${plan.name}" (it has: ${[...entries.keys()].join(", ")})`);
    let m = counters.get(input);
    if (m === undefined) counters.set(input, (m = ctx.metrics(input)));
    m.in++;
    const a = admit(entry.node, r, entry.decode);
    if (!a.ok) return dead(input, r, m, a.reason, a.body);
    const origin: Origin = r.partition === undefined ? { source: input, offset: r.offset } : { source: input, offset: r.offset, partition: r.partition };
    const v = a.value;
    const sk = entry.clockId(v);
    m.out++;
    return entry.enter ? entry.enter(v, sk, origin) : entry.emit(elem({ v, sk, origin }));
  };
};
