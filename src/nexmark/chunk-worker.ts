/**
 * Worker thread entry: draws the chunks it is asked for (`{ k }`) and posts each back, in order, as
 * `{ k, bytes }` with the bytes transferred. Started by parallel.ts with the configuration as
 * `workerData`.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { ChunkDrawer } from "./chunk.ts";
import type { NexmarkConfig } from "./config.ts";

const drawer = new ChunkDrawer(workerData as NexmarkConfig);
parentPort?.on("message", ({ k }: { k: number }) => {
  const bytes = drawer.draw(k);
  parentPort?.postMessage({ k, bytes }, [bytes.buffer as ArrayBuffer]);
});
