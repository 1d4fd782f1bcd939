/**
 * A reader in its own process (spawned by view-store.test.ts): opens the
 * store read-only and, until the parent writes generation `last`, reads every
 * key in one snapshot and checks that all rows come from the same snapshot.
 * Prints one JSON line: { reads, mixed, generations }.
 */
import { openViewStore } from "../../src/store/index.ts";

const [dir, sink, keyCount, last] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4]), Number(process.argv[5])];
const store = openViewStore(dir, { readOnly: true });
const keys = Array.from({ length: keyCount }, (_, i) => ({ id: `k${i}` }));
let reads = 0;
let mixed = 0;
const generations = new Set<number>();
const deadline = Date.now() + 60_000;
const loop = (): void => {
  const r = store.reader();
  try {
    const rows = r.getMany(sink, keys);
    const gens = new Set(rows.map((x) => (x ? (x[0] as { gen: number }).gen : -1)));
    reads++;
    if (gens.size > 1) mixed++;
    for (const g of gens) generations.add(g);
  } finally {
    r.done();
  }
  if (generations.has(last) || Date.now() > deadline) {
    process.stdout.write(JSON.stringify({ reads, mixed, generations: [...generations].sort((a, b) => a - b) }) + "\n");
    void store.close();
    return;
  }
  setImmediate(loop);
};
process.stdout.write("ready\n");
loop();
