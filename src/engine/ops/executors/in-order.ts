/**
 * Bounded concurrency with results in input order: elements wait in a queue
 * while their executor runs; only the head of the queue is ever delivered, so
 * downstream stages see the same order as without concurrency, and a failure
 * never overtakes earlier results.
 *
 * @module
 */
import type { Executor } from "../../../registry/executor.ts";
import type { Elem } from "../../elem.ts";
import type { Outcome } from "./hooks.ts";

/** An element in the queue: finished (`done`) with an outcome or an error, or still running. */
export interface Pending {
  readonly e: Elem;
  /** The executor that runs it (undefined for a pane marker or a kept element). */
  readonly ex: Executor | undefined;
  done: boolean;
  out: Outcome;
  error: unknown;
  /** Settles when a running element is done. */
  readonly wait: Promise<void> | undefined;
}

/** The queue of one executor stage. */
export interface InOrderQueue {
  /** Nothing is waiting: a finished element may be delivered at once. */
  readonly empty: boolean;
  /** Queues an element that is already finished (behind running ones). */
  pushDone(e: Elem, ex: Executor | undefined, out: Outcome): void;
  /** Queues an element whose executor is running. */
  pushRunning(e: Elem, ex: Executor, running: Promise<Outcome>): void;
  /**
   * Delivers finished elements at the head, in order. Waits for an unfinished
   * head only while the queue holds more than `room` entries, so a full stage
   * frees one slot and keeps the rest running (0 drains it all).
   */
  pump(room: number): Promise<void>;
}

/** A queue handing each element, in order, to `deliver` (which may throw to stop the run). */
export const inOrderQueue = (deliver: (p: Pending) => void | Promise<void>): InOrderQueue => {
  const queue: Pending[] = [];
  return {
    get empty() {
      return queue.length === 0;
    },
    pushDone: (e, ex, out) => {
      queue.push({ e, ex, done: true, out, error: undefined, wait: undefined });
    },
    pushRunning: (e, ex, running) => {
      const entry: Pending = {
        e,
        ex,
        done: false,
        out: undefined,
        error: undefined,
        wait: running.then(
          (out) => {
            entry.out = out;
            entry.done = true;
          },
          (err) => {
            // Reported in order by pump, so a failure never overtakes earlier results.
            entry.error = err ?? new Error("rejected");
            entry.done = true;
          },
        ),
      };
      queue.push(entry);
    },
    pump: async (room) => {
      while (queue.length > 0) {
        const head = queue[0]!;
        if (!head.done) {
          if (queue.length <= room) return;
          await head.wait;
        }
        queue.shift();
        const r = deliver(head);
        if (r) await r;
      }
    },
  };
};
