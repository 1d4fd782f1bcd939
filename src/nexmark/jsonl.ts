/**
 * Nexmark events as JSON lines, written fast: one object per line with Beam's field names in a fixed
 * order. The file path draws each event into reused fields and emits its bytes straight into large
 * buffers (draw.ts), one write per buffer, so a file of millions of events allocates no object or
 * string per event.
 *
 * @module
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import type { NexmarkConfig } from "./config.ts";
import { EventFields, drawEvent, lineBytesBound } from "./draw.ts";
import type { NexmarkEvent } from "./events.ts";
import { writeNexmarkParallel } from "./parallel.ts";
import { CHUNK_EVENTS } from "./chunk.ts";

/** How the events are drawn. */
export interface WriteOptions {
  /**
   * Worker threads drawing alongside this one (0, the default: this thread alone). The bytes are the
   * same either way; with two cores, one worker about halves the time of a large file.
   */
  readonly workers?: number;
}

/** Only `extra` can hold a backslash (Java's signed remainder reaches below 'a'); nothing needs more escaping. */
function str(s: string): string {
  return s.includes("\\") ? JSON.stringify(s) : `"${s}"`;
}

/** One event as a JSON object, without the newline. Equal to `JSON.stringify(event)`. */
export function nexmarkJsonLine(ev: NexmarkEvent): string {
  switch (ev.type) {
    case "bid":
      return `{"type":"bid","auction":${ev.auction},"bidder":${ev.bidder},"price":${ev.price},"dateTime":${ev.dateTime},"extra":${str(ev.extra)}}`;
    case "auction":
      return `{"type":"auction","id":${ev.id},"itemName":${str(ev.itemName)},"description":${str(ev.description)},"initialBid":${ev.initialBid},"reserve":${ev.reserve},"dateTime":${ev.dateTime},"expires":${ev.expires},"seller":${ev.seller},"category":${ev.category},"extra":${str(ev.extra)}}`;
    case "person":
      return `{"type":"person","id":${ev.id},"name":${str(ev.name)},"emailAddress":${str(ev.emailAddress)},"creditCard":${str(ev.creditCard)},"city":${str(ev.city)},"state":${str(ev.state)},"dateTime":${ev.dateTime},"extra":${str(ev.extra)}}`;
  }
}

/** Resolves when `out` can take more (or has closed, or failed: the caller checks). */
function writable(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      out.off("error", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
    out.on("error", done);
  });
}

/** Bytes per write (~5k lines): large writes amortise the stream and the system call. */
const CHUNK_BYTES = 1 << 20;

/**
 * Write the configuration's events as JSON lines to `out`, respecting backpressure; resolves with the
 * count, rejects with the stream's error (e.g. `EPIPE` when a reader such as `head` goes away).
 */
export async function writeNexmarkJsonl(config: NexmarkConfig, out: Writable, options: WriteOptions = {}): Promise<number> {
  let failed: Error | undefined;
  const onError = (e: Error) => {
    failed ??= e;
  };
  out.on("error", onError);
  try {
    // One chunk is all one thread's work anyway.
    if ((options.workers ?? 0) > 0 && config.events > CHUNK_EVENTS) {
      await writeNexmarkParallel(config, out, options.workers ?? 0, writable, () => failed);
      if (failed) throw failed;
      return config.events;
    }
    const fields = new EventFields();
    const room = lineBytesBound(config);
    // Only an `extra` far beyond Beam's sizes makes a line longer than a chunk.
    const chunk = Math.max(CHUNK_BYTES, 2 * room);
    // `buf`, `pos` and `n` stay locals that no closure captures, so the hot loop keeps them in registers.
    for (let n = 0; n < config.events && !failed; ) {
      const buf = Buffer.allocUnsafe(chunk); // a fresh one each time: the stream keeps the last until it is flushed
      let pos = 0;
      while (n < config.events && pos + room <= chunk) pos = drawEvent(config, n++, fields, buf, pos);
      if (!out.write(buf.subarray(0, pos)) && !failed) await writable(out);
    }
    if (failed) throw failed;
    return config.events;
  } finally {
    out.off("error", onError);
  }
}

/** Write the events to a file (created or truncated); resolves when the file is closed. */
export async function writeNexmarkFile(config: NexmarkConfig, path: string, options: WriteOptions = {}): Promise<number> {
  const out = createWriteStream(path);
  const count = await writeNexmarkJsonl(config, out, options);
  out.end();
  await once(out, "close");
  return count;
}
