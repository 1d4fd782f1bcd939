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
import { admit, sourceKeyText } from "../edge.ts";
import type { DeadLetterBody } from "../edge.ts";
import { elem } from "../elem.ts";
import type { Origin } from "../elem.ts";
import type { Emit, EngineContext } from "../operator.ts";
import type { RawRecord } from "../raw-record.ts";

/** A source or table of the built part, with its decoder and where its elements go. */
export interface InputEntry {
  readonly node: SourceNode | TableNode;
  readonly decode: Decoder;
  readonly emit: Emit;
}

/** The entry of input `node`, decoding with its schema. */
export const inputEntry = (node: SourceNode | TableNode, emit: Emit): InputEntry => ({ node, decode: makeDecoder(fromSchema(node.schema)), emit });

/** Feeds one record of input `input`; a rejected record becomes a dead letter. */
export type Push = (input: string, record: RawRecord) => void | Promise<void>;

/** The `push` of a topology over its inputs `entries`. */
export const inputPusher = (plan: Plan, ctx: EngineContext, entries: ReadonlyMap<string, InputEntry>): Push => {
  return (input, r) => {
    const entry = entries.get(input);
    if (!entry) throw new Error(`"${input}" is not a source or table of pipeline "${plan.name}" (it has: ${[...entries.keys()].join(", ")})`);
    const m = ctx.metrics(input);
    m.in++;
    const origin: Origin = r.partition === undefined ? { source: input, offset: r.offset } : { source: input, offset: r.offset, partition: r.partition };
    const dead = (reason: string, extra: DeadLetterBody) => {
      m.deadLetters++;
      ctx.deadLetter({ source: input, offset: r.offset, ...(r.partition === undefined ? {} : { partition: r.partition }), stage: input, reason, ...extra });
    };
    const node = entry.node;
    const a = admit(node, r, entry.decode);
    if (!a.ok) return dead(a.reason, a.body);
    const v = a.value;
    const key = node.op === "source" ? sourceKeyText(node, v) : null;
    const sk = key === null ? input : input + "\u0000" + key;
    m.out++;
    return entry.emit(elem({ v, sk, origin }));
  };
};
