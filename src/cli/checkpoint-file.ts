/**
 * The handoff checkpoint as a file (docs/semantics.md §17): `lockstep run
 * --runner direct --checkpoint-out FILE` writes it, `lockstep run --runner
 * kafka --from-checkpoint FILE` reads it.
 *
 * @module
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { parseCheckpoint } from "../engine/checkpoint/index.ts";
import type { Checkpoint } from "../engine/checkpoint/index.ts";
import { UsageError } from "./usage-error.ts";

/** Writes `cp` to `path` whole or not at all (a temporary file renamed over it). */
export const writeCheckpointFile = async (path: string, cp: Checkpoint): Promise<void> => {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(cp)}\n`);
    await rename(tmp, path);
  } catch (e) {
    throw new UsageError(
      `--checkpoint-out ${path}: cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: check the directory exists and is writable`,
    );
  }
};

/** Reads and checks a checkpoint file; an unreadable or non-JSON file is a usage error naming it. */
export const readCheckpointFile = async (path: string): Promise<Checkpoint> => {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`--from-checkpoint ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: check the path`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--from-checkpoint ${path}: is not JSON (${(e as Error).message}). Fix: give the file --checkpoint-out wrote`);
  }
  return parseCheckpoint(json, path);
};
