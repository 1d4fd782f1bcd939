/**
 * Writing output bytes to a file (atomically) or to stdout.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Writes `chunks` to `path`, or to stdout for `-` (respecting backpressure,
 * leaving stdout open). Files are written to a temporary name beside the
 * target and renamed into place, so a reader never sees half a file; parent
 * directories are created as needed.
 */
export const writeOutput = async (path: string, chunks: Iterable<string | Uint8Array>): Promise<void> => {
  if (path === "-") return writeStdout(chunks);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  const file = await open(tmp, "w");
  try {
    for (const chunk of chunks) await file.writeFile(chunk); // writeFile loops until the chunk is all written
    await file.close();
    await rename(tmp, path);
  } catch (e) {
    await file.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
};

const writeStdout = async (chunks: Iterable<string | Uint8Array>): Promise<void> => {
  const out = process.stdout;
  for (const chunk of chunks) {
    if (out.write(chunk)) continue;
    // Wait for room, or fail (e.g. EPIPE when the reader went away) instead of waiting forever.
    await new Promise<void>((resolve, reject) => {
      const settle = (e?: Error) => {
        out.off("drain", settle);
        out.off("error", settle);
        if (e) reject(e);
        else resolve();
      };
      out.on("drain", settle);
      out.on("error", settle);
    });
  }
};
