/**
 * The events as JSON lines drawn on several threads, written in order. Every event is seeded on its
 * own, so any chunk (chunk.ts) can be drawn anywhere: each worker thread is kept `AHEAD` chunks
 * ahead, in ascending order, and this thread, between writes, draws the next unassigned chunks
 * itself whenever the one due for writing is not back yet. The split adapts: on an idle machine the
 * workers and this thread share the drawing while this one also writes; on a loaded one, where a
 * worker gets little CPU, this thread draws most of it and the worker costs little — a fixed
 * round-robin split made every thread wait for the slowest.
 *
 * A worker that cannot start or fails (e.g. where the sources run without a TypeScript loader) is
 * not an error: this thread draws its chunks instead, giving the same bytes.
 *
 * @module
 */
import type { Writable } from "node:stream";
import { setImmediate as yieldToEvents } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import { CHUNK_EVENTS, ChunkDrawer } from "./chunk.ts";
import type { NexmarkConfig } from "./config.ts";

/** Chunks each worker is asked for ahead: enough that it never idles while this thread draws one. */
const AHEAD = 3;
/** Chunks this thread may hold drawn ahead of the one due for writing (~800 KB each). */
const WINDOW = 8;

/** One worker thread and the chunks it owes, in the order it answers. */
class ChunkWorker {
  private readonly waiting = new Map<number, { resolve: (b: Uint8Array | undefined) => void }>();
  /** Chunks asked for and not yet back; a failed worker counts as full, so it is asked no more. */
  get outstanding(): number {
    return this.failed ? Number.POSITIVE_INFINITY : this.waiting.size;
  }
  private readonly worker: Worker | undefined;
  private failed = false;

  constructor(config: NexmarkConfig) {
    // The compiled package runs chunk-worker.js; the sources under tsx run chunk-worker.ts (tsx's
    // loader is in the worker's inherited execArgv).
    const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
    try {
      this.worker = new Worker(new URL(`./chunk-worker.${ext}`, import.meta.url), { workerData: config });
    } catch {
      this.failed = true;
      return;
    }
    this.worker.on("message", ({ k, bytes }: { k: number; bytes: Uint8Array }) => {
      this.waiting.get(k)?.resolve(bytes);
      this.waiting.delete(k);
    });
    this.worker.on("error", () => this.fail());
    this.worker.on("exit", () => this.fail());
  }

  private fail(): void {
    this.failed = true;
    for (const { resolve } of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
  }

  /** Asks for chunk `k`; resolves with it, or `undefined` if this worker failed. */
  ask(k: number): Promise<Uint8Array | undefined> {
    if (this.failed || !this.worker) return Promise.resolve(undefined);
    const answer = new Promise<Uint8Array | undefined>((resolve) => this.waiting.set(k, { resolve }));
    this.worker.postMessage({ k });
    return answer;
  }

  async stop(): Promise<void> {
    this.failed = true;
    await this.worker?.terminate();
  }
}

/**
 * Writes the configuration's events as JSON lines to `out` using `workers` worker threads as well as
 * this one (the bytes are those of `writeNexmarkJsonl`). After a `write` that returns false it waits
 * for `writable` (drain, close or error), and stops once `failure()` names an error. Resolves with the
 * number of chunks the workers drew (the rest, this thread); each worker draws at least its first
 * `AHEAD` chunks.
 */
export async function writeNexmarkParallel(
  config: NexmarkConfig,
  out: Writable,
  workers: number,
  writable: (out: Writable) => Promise<void>,
  failure: () => Error | undefined,
): Promise<number> {
  const chunks = Math.ceil(config.events / CHUNK_EVENTS);
  const pool = Array.from({ length: workers }, () => new ChunkWorker(config));
  const local = new ChunkDrawer(config);
  /** Chunks asked of a worker and not yet written; `back` holds those that have arrived. */
  const pending = new Map<number, Promise<Uint8Array | undefined>>();
  const back = new Map<number, Uint8Array | undefined>();
  /** Chunks this thread drew ahead of the one due. */
  const drawn = new Map<number, Uint8Array>();
  // Chunk 0 is this thread's: the workers start on 1, 2, … while it draws.
  let next = 1;
  const topUp = () => {
    for (const worker of pool)
      while (worker.outstanding < AHEAD && next < chunks) {
        const k = next++;
        pending.set(
          k,
          worker.ask(k).then((bytes) => {
            if (pending.has(k)) back.set(k, bytes); // not once this thread drew it instead
            return bytes;
          }),
        );
      }
  };
  let byWorkers = 0;
  try {
    topUp();
    drawn.set(0, local.draw(0));
    for (let k = 0; k < chunks && !failure(); k++) {
      let lines = drawn.get(k);
      drawn.delete(k);
      const asked = pending.get(k);
      if (asked) {
        // Draw later chunks here until the due one is back (yielding so its message can arrive).
        while (!back.has(k) && next < chunks && drawn.size < WINDOW) {
          const ahead = next++;
          drawn.set(ahead, local.draw(ahead));
          topUp();
          await yieldToEvents();
        }
        if (!back.has(k) && drawn.size >= WINDOW) {
          // This thread ran a whole window ahead and the worker still owes the due chunk: it is getting
          // little CPU (a loaded machine). Draw the chunk here rather than wait; its answer is dropped.
          lines = local.draw(k);
        } else {
          lines = await asked;
          if (lines) byWorkers++;
        }
        pending.delete(k);
        back.delete(k);
      } else if (!lines) {
        next = Math.max(next, k + 1); // unassigned (every worker has failed, say): this thread's
      }
      topUp();
      lines ??= local.draw(k); // this thread's chunk, or a failed worker's
      if (!out.write(lines) && !failure()) await writable(out);
    }
  } finally {
    await Promise.all(pool.map((w) => w.stop()));
  }
  return byWorkers;
}
