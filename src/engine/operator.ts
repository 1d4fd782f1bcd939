/**
 * The operator contract of the record-at-a-time engine, and the context a
 * runner gives it: where dead letters and late elements go, metrics, state.
 *
 * @module
 */
import type { Registry } from "../registry/registry.ts";
import type { Elem, Origin } from "./elem.ts";
import type { StateBackend } from "./state.ts";

/** Pushes an element to the next operators. May return a promise when an async stage is full. */
export type Emit = (e: Elem) => void | Promise<void>;

/** One stage's runtime form. */
export interface Operator {
  /** The stage name. */
  readonly id: string;
  /** Handles one element arriving on input `port` (0 except join's right side and lookup's table). */
  process(e: Elem, port: number): void | Promise<void>;
  /** End of input: flush in-flight work and fire every open window. */
  finish(): void | Promise<void>;
  /**
   * Delivers every result still in flight (async executors) without ending
   * anything. Streaming runners call it before committing input offsets, so a
   * commit never covers an element whose result was not yet emitted.
   */
  flush?(): void | Promise<void>;
  /**
   * Fires what is due by `time` without any element arriving (an idle input):
   * on-time panes of windows that ended by then. Never changes clocks, so it
   * never changes which elements are late.
   */
  advance?(time: number): void | Promise<void>;
  /** The largest element clock this stage has seen (for idle-time firing), -Infinity if none. */
  clock?(): number;
}

/** An input record that could not be used, with the reason. */
export interface DeadLetter {
  readonly source: string;
  readonly offset: number;
  readonly partition?: number;
  /** The stage that rejected it (the source itself for decode failures). */
  readonly stage: string;
  readonly reason: string;
  /** The raw text when it was not valid JSON, else the value. */
  readonly raw?: string;
  /** The exact bytes (base64) when the record was not UTF-8 (`raw` is then only a readable rendering). */
  readonly rawBase64?: string;
  readonly value?: unknown;
  /**
   * Set when the payload was too large to keep whole (see `boundDeadLetter`):
   * `raw` holds its first bytes; these are the whole payload's UTF-8 size and
   * SHA-256 (hex).
   */
  readonly truncated?: { readonly bytes: number; readonly sha256: string };
}

/** An element dropped because it was late, with the facts that decided it. */
export interface LateElement {
  readonly stage: string;
  readonly source: string;
  readonly offset: number;
  readonly value: unknown;
  readonly eventTime: number;
  /** The element's source-key clock. */
  readonly clock: number;
  readonly windowStart: number | null;
  readonly windowEnd: number | null;
  readonly reason: string;
}

/** Counters of one stage. */
export interface StageMetrics {
  in: number;
  out: number;
  late: number;
  deadLetters: number;
  duplicates: number;
  /** Elements a sequence dropped as older than its ttl (final-view rule, not lateness). */
  expired: number;
  panes: number;
}

/** What to do when an executor throws. */
export type OnExecutorError = "fail" | "deadLetter";

/** What the runner provides to every operator. */
export interface EngineContext {
  readonly registry: Registry;
  readonly state: StateBackend;
  readonly onExecutorError: OnExecutorError;
  deadLetter(d: DeadLetter): void;
  late(l: LateElement): void;
  metrics(stage: string): StageMetrics;
}

/** Dead-letter fields from an element's origin. */
export const originFields = (o: Origin): { source: string; offset: number; partition?: number } =>
  o.partition === undefined ? { source: o.source, offset: o.offset } : { source: o.source, offset: o.offset, partition: o.partition };

/** Fresh zeroed counters. */
export const newMetrics = (): StageMetrics => ({ in: 0, out: 0, late: 0, deadLetters: 0, duplicates: 0, expired: 0, panes: 0 });
