/**
 * Class-data sharing for the project's local JVMs (Kafka broker, Flink): the first JVM that
 * stops cleanly dumps the classes it loaded into an archive in the cache; later JVMs map it and
 * start about twice as fast. Keyed by the `java` binary (an archive only works with the JVM build
 * that wrote it) and by a name the caller gives (one archive per program and classpath).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Whether a start maps an existing class-data archive, or dumps one for later starts. */
export interface CdsPlan {
  /** JVM options mapping the archive (empty when there is none yet). */
  readonly use: string[];
  /** JVM options dumping a new archive at exit. */
  readonly dump: string[];
  /** Where the dump goes before it is published as `archive`. */
  readonly dumpTo: string | undefined;
  readonly archive: string | undefined;
}

/** `<dir>/<name>-<key of the java on PATH>.jsa`, or undefined when there is no `java` on PATH. */
function archivePath(dir: string, name: string): string | undefined {
  for (const d of (process.env.PATH ?? "").split(delimiter)) {
    if (!d) continue;
    try {
      const java = realpathSync(join(d, "java"));
      const st = statSync(java);
      if (!st.isFile()) continue;
      const key = createHash("sha256").update(`${java}\0${st.size}\0${st.mtimeMs}`).digest("hex").slice(0, 12);
      return join(dir, `${name}-${key}.jsa`);
    } catch {}
  }
  return undefined;
}

/** The archive plan of one JVM start: nothing when `enabled` is false. */
export function planCds(dir: string, name: string, enabled: boolean): CdsPlan {
  const archive = enabled ? archivePath(dir, name) : undefined;
  const useArchive = archive !== undefined && existsSync(archive);
  // A per-process temp name: concurrent JVMs must not write one file.
  const dumpTo = archive && !useArchive ? `${archive}.tmp-${process.pid}-${randomBytes(4).toString("hex")}` : undefined;
  return { use: useArchive ? [`-XX:SharedArchiveFile=${archive}`] : [], dump: dumpTo ? [`-XX:ArchiveClassesAtExit=${dumpTo}`] : [], dumpTo, archive };
}

/** Moves a freshly dumped archive into place (atomically) when the JVM had been ready, or drops it. */
export function publishArchive(plan: CdsPlan, wasReady: boolean): void {
  if (!plan.dumpTo || !plan.archive) return;
  try {
    if (wasReady && !existsSync(plan.archive) && statSync(plan.dumpTo).size > 0) renameSync(plan.dumpTo, plan.archive);
  } catch {}
  rmSync(plan.dumpTo, { force: true });
}
