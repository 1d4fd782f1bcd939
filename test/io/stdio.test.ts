import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./tmp.ts";

// stdin/stdout are tested in a child process: `node --import tsx` runs a
// small script that reads `-` and writes `-`.
const dir = tempDir();
const root = join(import.meta.dirname, "../..");

describe("stdin and stdout (child process)", () => {
  it("reads JSONL from - and writes canonical JSONL to -", () => {
    const script = join(dir, "echo.mts");
    writeFileSync(
      script,
      `import { readRecords, writeRecords } from ${JSON.stringify(join(root, "src/io/index.ts"))};
const rows: unknown[] = [];
for await (const r of readRecords("-")) rows.push(r.error === undefined ? { at: r.offset, v: r.value } : { at: r.offset, bad: r.raw });
await writeRecords("-", rows);
`,
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", script], {
      cwd: root,
      input: '{"b":2,"a":1}\n\nnope\n',
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe('{"at":1,"v":{"a":1,"b":2}}\n{"at":2,"bad":""}\n{"at":3,"bad":"nope"}\n');
  });
});
