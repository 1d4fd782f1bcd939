/**
 * How elements travel through internal (repartition) topics: the whole
 * envelope, so the element's event time, source clock and origin survive the
 * hop and lateness is judged exactly as in one process. End-of-input markers
 * travel the same topics in bounded runs.
 *
 * @module
 */
import type { Elem } from "../../src/engine/elem.ts";
import { elem } from "../../src/engine/elem.ts";

/** The JSON form of an element on a repartition topic. */
interface Wire {
  readonly v: unknown;
  readonly t: number;
  /** null stands for -Infinity (no clock yet), which JSON cannot hold. */
  readonly c: number | null;
  readonly sk: string;
  readonly k: string | null;
  readonly kv: Readonly<Record<string, unknown>> | null;
  readonly o: readonly [string, number, number | null];
}

/** An end-of-input marker from upstream task `from`. */
interface EoiWire {
  readonly eoi: string;
}

/** Serializes an element for a repartition topic. */
export const encodeElem = (e: Elem): string => {
  const w: Wire = {
    v: e.v,
    t: e.t,
    c: Number.isFinite(e.c) ? e.c : null,
    sk: e.sk,
    k: e.k ?? null,
    kv: e.kv ?? null,
    o: [e.origin.source, e.origin.offset, e.origin.partition ?? null],
  };
  return JSON.stringify(w);
};

/** Serializes an end-of-input marker. */
export const encodeEoi = (from: string): string => JSON.stringify({ eoi: from } satisfies EoiWire);

/** Reads a repartition message: an element, or the id of an upstream task that ended. */
export const decodeWire = (text: string): { elem: Elem } | { eoi: string } => {
  const w = JSON.parse(text) as Wire | EoiWire;
  if ("eoi" in w) return { eoi: w.eoi };
  const origin = w.o[2] === null ? { source: w.o[0], offset: w.o[1] } : { source: w.o[0], offset: w.o[1], partition: w.o[2] };
  return { elem: elem({ v: w.v, t: w.t, c: w.c === null ? -Infinity : w.c, sk: w.sk, k: w.k ?? undefined, kv: w.kv ?? undefined, origin }) };
};
