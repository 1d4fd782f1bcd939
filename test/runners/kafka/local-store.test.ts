/**
 * A task's store on disk and its checkpoint file (runners/kafka/local-store.ts), without a broker:
 * a checkpoint is used only when it describes this very store up to offsets the changelog has, and
 * every other case — none, torn, another task's, another store's, past the changelog's end, other
 * topics, too old — wipes the store. The file is gone once the store is open.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CHECKPOINT_FILE,
  closeTaskStore,
  decodeCheckpoint,
  encodeCheckpoint,
  lockStateDir,
  MAX_CHECKPOINT_AGE_MS,
  openTaskStore,
} from "../../../runners/kafka/local-store.ts";

const root = mkdtempSync(join(tmpdir(), "lockstep-local-store-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const TOPIC = "app.combine.changelog";

/** A task directory whose store holds key k=1 and was closed cleanly at offset 40 of TOPIC. */
const cleanlyClosed = async (): Promise<string> => {
  const dir = join(root, `t${n++}`);
  const { backend, wiped } = await openTaskStore(dir, "1-0", new Map([[TOPIC, 0]]));
  expect(wiped).toBe("no checkpoint");
  backend.store<number>("combine", "acc").set("k", 1);
  await closeTaskStore(dir, "1-0", backend, new Map([[TOPIC, 40]]));
  expect(existsSync(join(dir, CHECKPOINT_FILE))).toBe(true);
  return dir;
};

/** Opens the store again and says whether it was used (with its value) or wiped. */
const reopen = async (dir: string, ends: ReadonlyMap<string, number>, task = "1-0") => {
  const { backend, from, wiped } = await openTaskStore(dir, task, ends);
  const value = backend.store<number>("combine", "acc").get("k");
  const gone = !existsSync(join(dir, CHECKPOINT_FILE));
  await closeTaskStore(dir, task, backend);
  return { value, from: Object.fromEntries(from), wiped, gone };
};

describe("task store and checkpoint", () => {
  it("a clean close is used: the store kept, the restore starts at the checkpoint, the file removed", async () => {
    const dir = await cleanlyClosed();
    expect(await reopen(dir, new Map([[TOPIC, 55]]))).toEqual({ value: 1, from: { [TOPIC]: 40 }, wiped: undefined, gone: true });
    // Opened and closed without a checkpoint (as after a crash): the next open wipes.
    expect(await reopen(dir, new Map([[TOPIC, 55]]))).toEqual({ value: undefined, from: { [TOPIC]: 0 }, wiped: "no checkpoint", gone: true });
  });

  it("anything off wipes the store", async () => {
    const cases: [string, (dir: string) => void, ReadonlyMap<string, number>, string, RegExp][] = [
      [
        "torn",
        (d) => writeFileSync(join(d, CHECKPOINT_FILE), readFileSync(join(d, CHECKPOINT_FILE), "utf8").slice(0, 30)),
        new Map([[TOPIC, 40]]),
        "1-0",
        /corrupt/,
      ],
      [
        "edited",
        (d) => writeFileSync(join(d, CHECKPOINT_FILE), readFileSync(join(d, CHECKPOINT_FILE), "utf8").replace(":40", ":39")),
        new Map([[TOPIC, 40]]),
        "1-0",
        /corrupt \(checksum\)/,
      ],
      ["past the changelog's end", () => {}, new Map([[TOPIC, 39]]), "1-0", /past the end/],
      ["other topics", () => {}, new Map([["app.other.changelog", 100]]), "1-0", /other changelog topics/],
      ["another task's", () => {}, new Map([[TOPIC, 40]]), "1-1", /task 1-0/],
      ["store replaced", (d) => rmSync(join(d, "store"), { recursive: true }), new Map([[TOPIC, 40]]), "1-0", /another store/],
      [
        // As after a crash: no checkpoint, and a store that is not LMDB's (torn): wiped without being opened.
        "no checkpoint, store torn",
        (d) => {
          rmSync(join(d, CHECKPOINT_FILE));
          writeFileSync(join(d, "store", "data.mdb"), "not an LMDB file ".repeat(1000));
        },
        new Map([[TOPIC, 40]]),
        "1-0",
        /no checkpoint/,
      ],
      [
        "too old",
        (d) => writeFileSync(join(d, CHECKPOINT_FILE), encodeCheckpoint({ ...checkpointOf(d), writtenAt: Date.now() - MAX_CHECKPOINT_AGE_MS - 1 })),
        new Map([[TOPIC, 40]]),
        "1-0",
        /too old/,
      ],
    ];
    for (const [what, spoil, ends, task, reason] of cases) {
      const dir = await cleanlyClosed();
      spoil(dir);
      const r = await reopen(dir, ends, task);
      expect(r.wiped, what).toMatch(reason);
      expect(r.value, what).toBeUndefined();
      expect(
        Object.values(r.from).every((o) => o === 0),
        what,
      ).toBe(true);
      expect(r.gone, what).toBe(true);
    }
  });

  it("an edited checkpoint that is re-signed still names its store: copying a checkpoint to another store is caught", async () => {
    const a = await cleanlyClosed();
    const b = await cleanlyClosed();
    writeFileSync(join(b, CHECKPOINT_FILE), readFileSync(join(a, CHECKPOINT_FILE)));
    expect((await reopen(b, new Map([[TOPIC, 40]]))).wiped).toBe("checkpoint of another store");
  });

  it("a state directory is one live process's", () => {
    const dir = join(root, "locked");
    const release = lockStateDir(dir);
    expect(() => lockStateDir(dir)).toThrow(/in use by process/);
    release();
    // A lock left by a process that is gone is taken over.
    writeFileSync(join(dir, ".lock"), "999999999");
    lockStateDir(dir)();
  });
});

const checkpointOf = (dir: string) => {
  const r = decodeCheckpoint(readFileSync(join(dir, CHECKPOINT_FILE), "utf8"));
  if ("invalid" in r) throw new Error(r.invalid);
  return r.checkpoint;
};
