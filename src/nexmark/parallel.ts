/**
 * The events as JSON lines drawn on several threads: chunk `k` (chunk.ts) is drawn by thread
 * `k mod (workers + 1)` — this one for 0, a worker thread otherwise — and written in order. Drawing is
 * the cost of a Nexmark file and every event is seeded on its own, so the threads never wait for each
 * other except to keep the output in order.
 *
 * A worker that cannot start or fails (e.g. where the sources run without a TypeScript loader) is
 * not an error: this thread draws its chunks instead, giving the same bytes.
 *
 * @module
 */
import type { Writable } from "node:stream";
import { Worker } from "node:worker_threads";
import { CHUNK_EVENTS, ChunkDrawer } from "./chunk.ts";
import type { NexmarkConfig } from "./config.ts";

/** Chunks asked of each worker ahead of the one being written. */
const AHEAD = 2;

/** One worker thread and the chunks it owes, in the order it answers. */
class ChunkWorker {
  private readonly waiting = new Map<number, { resolve: (b: Uint8Array | undefined) => void }>();
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
 * number of chunks the workers drew (the rest, this thread).
 */
export async function writeNexmarkParallel(
  config: NexmarkConfig,
  out: Writable,
  workers: number,
  writable: (out: Writable) => Promise<void>,
  failure: () => Error | undefined,
): Promise<number> {
  const chunks = Math.ceil(config.events / CHUNK_EVENTS);
  const threads = workers + 1;
  const pool = Array.from({ length: workers }, () => new ChunkWorker(config));
  const local = new ChunkDrawer(config);
  const pending = new Map<number, Promise<Uint8Array | undefined>>();
  const ask = (k: number) => {
    if (k < chunks && k % threads !== 0) pending.set(k, (pool[(k % threads) - 1] as ChunkWorker).ask(k));
  };
  let byWorkers = 0;
  try {
    for (let k = 0; k < threads * AHEAD; k++) ask(k);
    for (let k = 0; k < chunks && !failure(); k++) {
      let lines: Uint8Array | undefined;
      if (k % threads !== 0) {
        lines = await pending.get(k);
        pending.delete(k);
        ask(k + threads * AHEAD);
        if (lines) byWorkers++;
      }
      lines ??= local.draw(k); // this thread's chunk, or a failed worker's
      if (!out.write(lines) && !failure()) await writable(out);
    }
  } finally {
    await Promise.all(pool.map((w) => w.stop()));
  }
  return byWorkers;
}
