/**
 * A task's local store on disk and its checkpoint file, as Kafka Streams keeps
 * a RocksDB store and a `.checkpoint` file per task: the file names, per
 * changelog topic, the offset up to which the store holds the changelog, so a
 * restart restores only the records after it (the tail) instead of the whole
 * changelog.
 *
 * When the file may be trusted — the one rule everything here serves: a
 * checkpoint exists only while the store equals the changelog up to its
 * offsets, and nothing else.
 * - It is written only at a clean close: the task's last commit succeeded
 *   and nothing changed since (no undrained write), the store is flushed and
 *   fsynced, and only then is the file written (to a temporary name, fsynced,
 *   renamed). Its offsets are where the task's own changelog writes ended
 *   (the produce answers), or the changelog's end when its restore began:
 *   never the topic's end at close, which may hold another owner's writes
 *   the store lacks.
 * - It is deleted when the task opens the store, before any record is
 *   processed: from then on the store may hold writes of transactions that
 *   will abort (under exactly-once) or of records that will be read again.
 *   A process killed, or a task that failed, leaves no file, so the store is
 *   wiped and the changelog replayed in full: Kafka Streams does the same
 *   under exactly-once after an unclean shutdown, and at-least-once is
 *   treated alike (one rule for both).
 * - It is checked before it is used, and anything off means a wipe and a
 *   full replay, never a wrong answer: a file that does not parse or whose
 *   checksum fails (corrupt), of another task, naming other changelog topics,
 *   paired with another store (a random id written into the store at the
 *   same close), a store LMDB cannot open, an offset past the topic's end (the topic was recreated, or
 *   the store is ahead of the changelog), or older than
 *   {@link MAX_CHECKPOINT_AGE_MS} (compaction may by then have removed
 *   tombstones written after it, which a tail replay would miss).
 *
 * @module
 */
import { createHash, randomUUID } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DefinitionError } from "../../src/core/errors.ts";
import type { LmdbStateBackend } from "../../src/engine/lmdb-state.ts";

/** The checkpoint file in a task's directory. */
export const CHECKPOINT_FILE = ".checkpoint";
/** The LMDB environment in a task's directory. */
const STORE_DIR = "store";
/** The store's metadata key holding the id its checkpoint names. */
const STORE_ID = "kafka-task-store-id";
const FORMAT = "lockstep-kafka-task-checkpoint";
/**
 * A checkpoint older than this is not used: a changelog is compacted, and compaction removes a
 * tombstone `delete.retention.ms` (Kafka's default: 24 h) after cleaning it — a tail replay from an
 * older checkpoint could miss a delete. Half the default, for clock skew and late cleaning.
 */
export const MAX_CHECKPOINT_AGE_MS = 12 * 3_600_000;

/** What a checkpoint file holds. */
export interface TaskCheckpoint {
  /** The task id (`<sub-topology>-<partition>`). */
  readonly task: string;
  /** The id written into the store at the same clean close. */
  readonly store: string;
  /** When it was written (ms since the epoch). */
  readonly writtenAt: number;
  /** Per changelog topic (the task's partition of it): the store holds every record before this offset. */
  readonly offsets: Readonly<Record<string, number>>;
}

const digest = (body: string): string => createHash("sha256").update(body).digest("hex");

/** A checkpoint's file text: JSON with a SHA-256 of the rest, so a torn or edited file is told apart. */
export const encodeCheckpoint = (c: TaskCheckpoint): string => {
  const body = JSON.stringify({ format: FORMAT, version: 1, task: c.task, store: c.store, writtenAt: c.writtenAt, offsets: c.offsets });
  return `${JSON.stringify({ sha256: digest(body), body })}\n`;
};

/** A checkpoint file's text read back, or why it cannot be used. */
export const decodeCheckpoint = (text: string): { checkpoint: TaskCheckpoint } | { invalid: string } => {
  try {
    const outer = JSON.parse(text) as { sha256?: unknown; body?: unknown };
    if (typeof outer.body !== "string" || outer.sha256 !== digest(outer.body)) return { invalid: "checkpoint corrupt (checksum)" };
    const b = JSON.parse(outer.body) as Record<string, unknown>;
    if (b.format !== FORMAT || b.version !== 1) return { invalid: "checkpoint of an unknown format" };
    const offsets = b.offsets as Record<string, unknown>;
    if (typeof b.task !== "string" || typeof b.store !== "string" || typeof b.writtenAt !== "number" || typeof offsets !== "object" || offsets === null)
      return { invalid: "checkpoint corrupt (fields)" };
    if (Object.values(offsets).some((o) => !Number.isSafeInteger(o) || (o as number) < 0)) return { invalid: "checkpoint corrupt (offsets)" };
    return { checkpoint: { task: b.task, store: b.store, writtenAt: b.writtenAt, offsets: offsets as Record<string, number> } };
  } catch {
    return { invalid: "checkpoint corrupt (not JSON)" };
  }
};

/** Why `cp` cannot be used for `task` on a store with id `storeId` and changelogs ending at `ends`, or undefined when it can. */
export const checkpointProblem = (
  cp: TaskCheckpoint,
  task: string,
  storeId: string | undefined,
  ends: ReadonlyMap<string, number>,
  now: number,
): string | undefined => {
  if (cp.task !== task) return `checkpoint of task ${cp.task}`;
  if (storeId === undefined || cp.store !== storeId) return "checkpoint of another store";
  const topics = Object.keys(cp.offsets);
  if (topics.length !== ends.size || topics.some((t) => !ends.has(t))) return "checkpoint names other changelog topics";
  for (const [t, end] of ends)
    if (cp.offsets[t]! > end) return `checkpoint offset ${cp.offsets[t]} past the end ${end} of ${t} (the store is ahead of the changelog)`;
  if (now - cp.writtenAt > MAX_CHECKPOINT_AGE_MS || cp.writtenAt > now + MAX_CHECKPOINT_AGE_MS) return "checkpoint too old";
  return undefined;
};

/** fsyncs a file or directory (a directory: so a rename or unlink in it is durable). */
const fsyncPath = (path: string): void => {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/** A task's store as opened: the backend, and where each changelog's restore starts. */
export interface OpenedTaskStore {
  readonly backend: LmdbStateBackend;
  /** Per changelog topic: the first offset to restore (0: the whole changelog). */
  readonly from: ReadonlyMap<string, number>;
  /** Why the store was wiped for a full replay; undefined when the checkpoint was used. */
  readonly wiped: string | undefined;
}

/**
 * Opens task `task`'s store in `dir` against its changelogs' current end offsets, using its
 * checkpoint when it may be trusted and wiping the store otherwise; the checkpoint file is gone
 * when this resolves (see the module doc).
 */
export const openTaskStore = async (dir: string, task: string, ends: ReadonlyMap<string, number>, cacheEntries?: number): Promise<OpenedTaskStore> => {
  const { LmdbStateBackend } = await import("../../src/engine/lmdb-state.ts");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, CHECKPOINT_FILE);
  const storeDir = join(dir, STORE_DIR);
  const opts = { dir: storeDir, keep: true, ...(cacheEntries !== undefined ? { cacheEntries } : {}) };
  let wiped: string | undefined = "no checkpoint";
  let cp: TaskCheckpoint | undefined;
  if (existsSync(file)) {
    const read = decodeCheckpoint(readFileSync(file, "utf8"));
    if ("invalid" in read) wiped = read.invalid;
    else cp = read.checkpoint;
  }
  let backend: LmdbStateBackend | undefined;
  // Without a checkpoint the store is not even opened: after a crash it may be torn (it is written
  // without fsync), and LMDB can take a torn file down with the process rather than throw.
  try {
    if (cp) {
      backend = new LmdbStateBackend(opts);
      wiped = checkpointProblem(cp, task, backend.meta(STORE_ID), ends, Date.now());
    }
  } catch (e) {
    // A store LMDB cannot open or read is wiped like any other that cannot be trusted.
    wiped = `store unreadable (${(e as Error)?.message})`;
    await backend?.close().catch(() => {});
    backend = undefined;
  }
  if (wiped !== undefined) {
    await backend?.close();
    rmSync(storeDir, { recursive: true, force: true });
    backend = new LmdbStateBackend(opts);
  }
  // From here the store may change without the changelog: the checkpoint no longer describes it.
  if (existsSync(file)) {
    rmSync(file);
    fsyncPath(dir);
  }
  const from = new Map([...ends.keys()].map((t) => [t, wiped === undefined ? cp!.offsets[t]! : 0]));
  return { backend: backend!, from, wiped };
};

/**
 * Closes a task's store. `offsets` (a clean close: the store equals the changelogs up to them)
 * writes the checkpoint after the store is flushed and synced; without, the store is closed and
 * left without one, to be wiped when next opened.
 */
export const closeTaskStore = async (dir: string, task: string, backend: LmdbStateBackend, offsets?: ReadonlyMap<string, number>): Promise<void> => {
  if (!offsets) {
    await backend.close();
    return;
  }
  const store = randomUUID();
  backend.setMeta(STORE_ID, store);
  await backend.close();
  // The environment is written without fsync (noSync): sync it before a checkpoint vouches for it.
  const storeDir = join(dir, STORE_DIR);
  for (const f of readdirSync(storeDir)) if (statSync(join(storeDir, f)).isFile()) fsyncPath(join(storeDir, f));
  const tmp = join(dir, `${CHECKPOINT_FILE}.tmp`);
  writeFileSync(tmp, encodeCheckpoint({ task, store, writtenAt: Date.now(), offsets: Object.fromEntries(offsets) }));
  fsyncPath(tmp);
  renameSync(tmp, join(dir, CHECKPOINT_FILE));
  fsyncPath(dir);
};

/**
 * Claims an instance's state directory for this process (a `.lock` file with its pid): two live
 * processes on one directory would each take a task's store for its own. A lock whose process is
 * gone (killed) is taken over. Returns the release function.
 */
export const lockStateDir = (dir: string): (() => void) => {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, ".lock");
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw e;
      const pid = Number(readFileSync(lock, "utf8"));
      if (Number.isSafeInteger(pid) && pid > 0 && alive(pid))
        throw new DefinitionError(
          "--state-dir",
          `${dir} is in use by process ${pid} (another instance of the application)`,
          "give each instance its own --state-dir",
        );
      rmSync(lock, { force: true });
    }
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};
