import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { nexmarkConfig } from "../../src/nexmark/index.ts";
import { tempDir } from "../cli/helpers.ts";
import { referenceJsonl } from "./reference-generator.ts";

// Worker threads need JavaScript (the sources' workers get no TypeScript loader, and fall back to the
// main thread), so the modules are compiled first, as the package is, and run in a child process.
const dir = tempDir();

describe("drawing on worker threads", () => {
  it("writes the plain generator's bytes, with the workers drawing their share", async () => {
    await build({
      entryPoints: ["src/nexmark/parallel.ts", "src/nexmark/chunk-worker.ts", "src/nexmark/generator.ts"],
      outdir: dir,
      bundle: true,
      format: "esm",
      platform: "node",
      logLevel: "silent",
    });
    const events = 30_000; // 8 chunks of 4,096: each worker is asked for 3 before this thread draws chunk 0
    const script = join(dir, "run.mjs");
    writeFileSync(
      script,
      `import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { writeNexmarkParallel } from "./parallel.js";
import { nexmarkConfig } from "./generator.js";
const out = createWriteStream(process.argv[2]);
const byWorkers = await writeNexmarkParallel(nexmarkConfig({ events: ${events}, generators: 3 }), out, 2, (o) => once(o, "drain"), () => undefined);
out.end();
await once(out, "close");
console.log(byWorkers);
`,
    );
    const file = join(dir, "events.jsonl");
    const r = spawnSync(process.execPath, [script, file], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    // The split adapts to how fast each thread is, but each worker draws the chunks it was first asked for.
    expect(Number(r.stdout.trim()), "chunks the two workers drew").toBeGreaterThanOrEqual(6);
    const want = Buffer.from(referenceJsonl(nexmarkConfig({ events, generators: 3 })), "latin1");
    expect(readFileSync(file).equals(want)).toBe(true);
  });
});
