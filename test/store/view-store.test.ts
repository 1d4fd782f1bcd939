import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openViewStore, StoreError, viewEntriesOf } from "../../src/store/index.ts";
import type { ViewEntry } from "../../src/store/index.ts";

const root = mkdtempSync(join(tmpdir(), "lockstep-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `s${++dirs}`);

const A = { name: "a", version: 1, hash: "sha256:aaaa" };
const B = { name: "a", version: 1, hash: "sha256:bbbb" };

/** `n` keys k0…k(n-1), each with one row tagged with generation `gen`. */
const generation = (n: number, gen: number): ViewEntry[] => Array.from({ length: n }, (_, i) => ({ key: { id: `k${i}` }, rows: [{ id: `k${i}`, gen }] }));

describe("view store", () => {
  it("writes a snapshot and reads it back by output key, also after reopening read-only", async () => {
    const dir = freshDir();
    const store = openViewStore(dir, { definition: A });
    const rec = await store.writeSnapshot("s", [
      { key: { userId: "u1" }, rows: [{ userId: "u1", n: 1 }] },
      {
        key: { userId: "u2" },
        rows: [
          { userId: "u2", n: 2 },
          { userId: "u2", n: 3 },
        ],
      },
      { key: { userId: "u3" }, rows: [] },
    ]);
    expect(rec).toMatchObject({ generation: 1, keys: 2, offsets: {} });
    expect(store.get("s", { userId: "u2" })).toEqual([
      { userId: "u2", n: 2 },
      { userId: "u2", n: 3 },
    ]);
    expect(store.get("s", { userId: "u3" })).toBeUndefined();
    expect(store.get("other", { userId: "u1" })).toBeUndefined();
    expect(store.getMany("s", [{ userId: "u9" }, { userId: "u1" }])).toEqual([undefined, [{ userId: "u1", n: 1 }]]);
    // The stored text is canonical JSON: keys sorted, no spaces.
    expect(store.getText("s", { userId: "u1" })).toBe('[{"n":1,"userId":"u1"}]');
    await store.close();

    const again = openViewStore(dir, { readOnly: true, definition: A });
    expect(again.get("s", { userId: "u1" })).toEqual([{ userId: "u1", n: 1 }]);
    const info = again.info();
    expect(info.definition).toEqual(A);
    expect(info.format).toBe("lockstep.store/1");
    expect(Object.keys(info.sinks)).toEqual(["s"]);
    expect(info.sinks.s).toMatchObject({ generation: 1, keys: 2 });
    await expect(again.writeSnapshot("s", [])).rejects.toThrow(/read-only/);
    await again.close();
  });

  it("a store opened read-only first can still be opened for writing in the same process, and each handle closes alone", async () => {
    const dir = freshDir();
    await openViewStore(dir, { definition: A }).close();
    const reader = openViewStore(dir, { readOnly: true, definition: A });
    const writer = openViewStore(dir, { definition: A });
    await writer.writeSnapshot("s", generation(2, 1));
    expect(reader.get("s", { id: "k1" })).toEqual([{ id: "k1", gen: 1 }]);
    await expect(reader.writeSnapshot("s", [])).rejects.toThrow(/read-only/);
    await reader.close();
    await writer.writeSnapshot("s", generation(2, 2));
    expect(writer.get("s", { id: "k0" })).toEqual([{ id: "k0", gen: 2 }]);
    const second = openViewStore(dir, { readOnly: true, definition: A });
    await writer.close();
    expect(second.get("s", { id: "k0" })).toEqual([{ id: "k0", gen: 2 }]);
    await second.close();
  });

  it("a reader opened before a snapshot keeps seeing the old generation; a new reader sees the new one", async () => {
    const store = openViewStore(freshDir());
    await store.writeSnapshot("s", generation(3, 1));
    const before = store.reader();
    // The new generation drops k2 and adds k3.
    await store.writeSnapshot("s", [...generation(2, 2), { key: { id: "k3" }, rows: [{ id: "k3", gen: 2 }] }]);
    expect(before.get("s", { id: "k0" })).toEqual([{ id: "k0", gen: 1 }]);
    expect(before.get("s", { id: "k2" })).toEqual([{ id: "k2", gen: 1 }]);
    expect(before.get("s", { id: "k3" })).toBeUndefined();
    expect(before.sink("s")?.generation).toBe(1);
    before.done();
    expect(store.get("s", { id: "k0" })).toEqual([{ id: "k0", gen: 2 }]);
    expect(store.get("s", { id: "k2" })).toBeUndefined();
    expect(store.get("s", { id: "k3" })).toEqual([{ id: "k3", gen: 2 }]);
    expect(store.sink("s")).toMatchObject({ generation: 2, keys: 3 });
    await store.close();
  });

  it("a reader in this process interleaved with a multi-transaction snapshot never sees a mix", async () => {
    const store = openViewStore(freshDir());
    const n = 25_000; // three write transactions of rows before the switch
    await store.writeSnapshot("s", generation(n, 1));
    const sample = [0, 1, 9_999, 10_000, 19_999, 20_000, n - 1].map((i) => ({ id: `k${i}` }));
    const seen: number[][] = [];
    let writing = true;
    const write = store.writeSnapshot("s", generation(n, 2)).finally(() => {
      writing = false;
    });
    while (writing) {
      seen.push([...new Set(store.getMany("s", sample).map((r) => (r![0] as { gen: number }).gen))]);
      await new Promise((r) => setImmediate(r));
    }
    await write;
    expect(seen.every((g) => g.length === 1)).toBe(true);
    expect(new Set(store.getMany("s", sample).map((r) => (r![0] as { gen: number }).gen))).toEqual(new Set([2]));
    expect(store.sink("s")).toMatchObject({ generation: 2, keys: n });
    await store.close();
  });

  it("a reader in another process never sees a mix while snapshots are switched in", async () => {
    const dir = freshDir();
    const store = openViewStore(dir);
    const n = 12_000;
    const last = 6;
    await store.writeSnapshot("s", generation(n, 1));
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "reader-process.ts"), dir, "s", String(n), String(last)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const exited = new Promise<void>((r) => child.on("exit", () => r()));
    for (const deadline = Date.now() + 30_000; !out.includes("ready") && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    for (let g = 2; g <= last; g++) await store.writeSnapshot("s", generation(n, g));
    await exited;
    const report = JSON.parse(out.trim().split("\n").at(-1)!) as { reads: number; mixed: number; generations: number[] };
    expect(report.mixed).toBe(0);
    expect(report.reads).toBeGreaterThan(0);
    expect(report.generations).toContain(last);
    await store.close();
  }, 90_000);

  it("applies panes and their offsets in one transaction: upserts, deletes, merged offsets", async () => {
    const dir = freshDir();
    const store = openViewStore(dir);
    await store.applyPanes(
      "s",
      [
        { key: { id: "a" }, rows: [{ id: "a", v: 1 }] },
        { key: { id: "b" }, rows: [{ id: "b", v: 1 }] },
      ],
      { "0": "2" },
    );
    expect(store.sink("s")).toMatchObject({ generation: 1, keys: 2, offsets: { "0": "2" } });
    const before = store.reader();
    await store.applyPanes(
      "s",
      [
        { key: { id: "a" }, rows: [] },
        { key: { id: "b" }, rows: [{ id: "b", v: 2 }] },
        { key: { id: "c" }, rows: [{ id: "c", v: 1 }] },
      ],
      {
        "1": "7",
      },
    );
    // The snapshot taken before sees neither the rows nor the offsets of the second apply.
    expect(before.offsets("s")).toEqual({ "0": "2" });
    expect(before.get("s", { id: "a" })).toEqual([{ id: "a", v: 1 }]);
    before.done();
    expect(store.offsets("s")).toEqual({ "0": "2", "1": "7" });
    expect(store.get("s", { id: "a" })).toBeUndefined();
    expect(store.get("s", { id: "b" })).toEqual([{ id: "b", v: 2 }]);
    expect(store.sink("s")?.keys).toBe(2);
    // Deleting a key that is not there changes nothing.
    await store.applyPanes("s", [{ key: { id: "zz" }, rows: [] }], {});
    expect(store.sink("s")?.keys).toBe(2);
    await store.close();
    const again = openViewStore(dir, { readOnly: true });
    expect(again.offsets("s")).toEqual({ "0": "2", "1": "7" });
    await again.close();
  });

  it("every read sees offsets and rows of the same commit while panes are applied", async () => {
    const store = openViewStore(freshDir());
    let writing = true;
    const writes = (async () => {
      for (let i = 1; i <= 200; i++) await store.applyPanes("s", [{ key: { id: "x" }, rows: [{ id: "x", i }] }], { p: String(i) });
      writing = false;
    })();
    let checked = 0;
    while (writing) {
      const r = store.reader();
      const at = r.offsets("s").p;
      const row = r.get("s", { id: "x" });
      r.done();
      if (at !== undefined) {
        expect(row).toEqual([{ id: "x", i: Number(at) }]);
        checked++;
      }
      await new Promise((res) => setImmediate(res));
    }
    await writes;
    expect(checked).toBeGreaterThan(0);
    await store.close();
  });

  it("refuses a store written for another definition, naming both and the fix", async () => {
    const dir = freshDir();
    const store = openViewStore(dir, { definition: A });
    await store.writeSnapshot("s", generation(1, 1));
    await store.close();
    let error: unknown;
    try {
      openViewStore(dir, { definition: B });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("LOCKSTEP_STORE");
    expect((error as Error).message).toContain("sha256:aaaa");
    expect((error as Error).message).toContain("sha256:bbbb");
    expect((error as Error).message).toMatch(/Fix: .*--store NEW_DIR/);
    expect(() => openViewStore(dir, { readOnly: true, definition: B })).toThrow(StoreError);
    // The same definition (and no definition) opens.
    await openViewStore(dir, { definition: A }).close();
    await openViewStore(dir, { readOnly: true }).close();
  });

  it("refuses to open a directory without a store read-only", () => {
    expect(() => openViewStore(join(root, "nothing-here"), { readOnly: true })).toThrow(/holds no view store\. Fix: write one first/);
  });

  it("refuses a snapshot that gives a key twice, and keeps the old view", async () => {
    const store = openViewStore(freshDir());
    await store.writeSnapshot("s", generation(2, 1));
    await expect(store.writeSnapshot("s", [...generation(2, 2), ...generation(1, 2)])).rejects.toThrow(/output key \{"id":"k0"\} is given twice/);
    expect(store.get("s", { id: "k0" })).toEqual([{ id: "k0", gen: 1 }]);
    // The half-written generation is cleared by the next snapshot.
    await store.writeSnapshot("s", generation(1, 3));
    expect(store.get("s", { id: "k1" })).toBeUndefined();
    expect(store.sink("s")).toMatchObject({ generation: 2, keys: 1 });
    await store.close();
  });
});

describe("viewEntriesOf", () => {
  it("groups a final view by output key and names a missing key field", () => {
    expect(
      viewEntriesOf(
        "d",
        "s",
        ["k", "windowStart"],
        [
          { k: "a", windowStart: 0, n: 1 },
          { k: "a", windowStart: 0, n: 2 },
          { k: "a", windowStart: 10, n: 3 },
        ],
      ),
    ).toEqual([
      {
        key: { k: "a", windowStart: 0 },
        rows: [
          { k: "a", windowStart: 0, n: 1 },
          { k: "a", windowStart: 0, n: 2 },
        ],
      },
      { key: { k: "a", windowStart: 10 }, rows: [{ k: "a", windowStart: 10, n: 3 }] },
    ]);
    expect(() => viewEntriesOf("d", "s", ["k"], [{ n: 1 }])).toThrow(/sink "s": a row has no field "k" of its output key/);
  });
});

describe("view store bytes", () => {
  it("withBytes and getBytes give exactly the stored text's UTF-8 bytes, a short row after a long one too", async () => {
    const dir = freshDir();
    const store = openViewStore(dir, { definition: A });
    const long = { key: { id: "long" }, rows: [{ id: "long", text: "é".repeat(5000) }] };
    const short = { key: { id: "short" }, rows: [{ id: "short" }] };
    await store.writeSnapshot("s", [long, short]);
    const reader = store.reader();
    try {
      // The long read first: lmdb's read buffer then holds more than the short row's bytes.
      for (const key of [{ id: "long" }, { id: "short" }, { id: "long" }]) {
        const want = Buffer.from(store.getText("s", key)!);
        const seen = store.withBytes("s", key, (bytes) => Buffer.from(bytes!));
        expect(seen.equals(want)).toBe(true);
        expect(Buffer.from(store.getBytes("s", key)!).equals(want)).toBe(true);
        expect(Buffer.from(reader.getBytes("s", key)!).equals(want)).toBe(true);
      }
    } finally {
      reader.done();
    }
    expect(store.withBytes("s", { id: "nobody" }, (bytes) => bytes)).toBeUndefined();
    expect(store.withBytes("other", { id: "long" }, (bytes) => bytes)).toBeUndefined();
    expect(store.getBytes("s", { id: "nobody" })).toBeUndefined();
    await store.close();
  });
});
