/** Where a local service (Kafka broker, Flink) keeps its logs and config. */
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * The caller's folder when given (kept afterwards, so its logs can be read), else a fresh temp folder
 * named `<prefix>…`, pushed onto `tempDirs` for the caller's stop() to remove.
 */
export async function workDirOf(logDir: string | undefined, prefix: string, tempDirs: string[]): Promise<string> {
  if (logDir) {
    const dir = resolve(logDir);
    await mkdir(dir, { recursive: true });
    return dir;
  }
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
