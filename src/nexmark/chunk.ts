/**
 * A run of consecutive events as one block of JSON lines: the unit the file writer hands to a worker
 * thread. Events are seeded by their own id, so any run can be drawn anywhere and still be Beam's.
 *
 * @module
 */
import type { NexmarkConfig } from "./config.ts";
import { EventFields, drawEvent, lineBytesBound } from "./draw.ts";

/** Events per chunk: ~800 KB of lines at Beam's sizes, large enough to amortise a hand-over. */
export const CHUNK_EVENTS = 4096;

/** Draws chunks, one after the other, with one scratch buffer of room for a whole chunk. */
export class ChunkDrawer {
  private readonly fields = new EventFields();
  private readonly scratch: Buffer;

  constructor(private readonly config: NexmarkConfig) {
    this.scratch = Buffer.allocUnsafe(CHUNK_EVENTS * lineBytesBound(config));
  }

  /** Chunk `k` (events `k · CHUNK_EVENTS` … up to `config.events`), in an ArrayBuffer of its own (so it can be transferred). */
  draw(k: number): Uint8Array {
    const { config, fields, scratch } = this;
    const to = Math.min(config.events, (k + 1) * CHUNK_EVENTS);
    let pos = 0;
    for (let n = k * CHUNK_EVENTS; n < to; n++) pos = drawEvent(config, n, fields, scratch, pos);
    // A copy of exactly the lines: the scratch is drawn into again while the stream still holds this.
    const lines = new Uint8Array(pos);
    lines.set(scratch.subarray(0, pos));
    return lines;
  }
}
