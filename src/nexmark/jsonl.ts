/**
 * Nexmark events as JSON lines, written fast: one object per line with Beam's field names in a fixed
 * order, and big buffered writes so a file of millions of events is limited by generation, not IO.
 *
 * @module
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { NexmarkConfig } from "./config.ts";
import type { NexmarkEvent } from "./events.ts";
import { nexmarkEvent } from "./generator.ts";

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

/**
 * Write the configuration's events as JSON lines to `out`, respecting backpressure; resolves with the
 * count, rejects with the stream's error (e.g. `EPIPE` when a reader such as `head` goes away).
 */
export async function writeNexmarkJsonl(config: NexmarkConfig, out: Writable): Promise<number> {
  const CHUNK = 4096; // events per write: large enough to amortise the stream, small enough to stay in cache
  let failed: Error | undefined;
  const onError = (e: Error) => {
    failed ??= e;
  };
  out.on("error", onError);
  try {
    for (let start = 0; start < config.events && !failed; start += CHUNK) {
      const end = Math.min(start + CHUNK, config.events);
      let text = "";
      for (let n = start; n < end; n++) text += `${nexmarkJsonLine(nexmarkEvent(config, n))}\n`;
      if (!out.write(text) && !failed) await Promise.race([once(out, "drain"), once(out, "close")]);
    }
    if (failed) throw failed;
    return config.events;
  } finally {
    out.off("error", onError);
  }
}

/** Write the events to a file (created or truncated); resolves when the file is closed. */
export async function writeNexmarkFile(config: NexmarkConfig, path: string): Promise<number> {
  const out = createWriteStream(path);
  const count = await writeNexmarkJsonl(config, out);
  out.end();
  await once(out, "close");
  return count;
}
