import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

// Inside the repository `import "lockstep"` means the sources: the same
// mapping as tsconfig.json's `paths` (which tsx honours for spawned CLIs);
// users get the compiled dist/ through package.json's exports.
const paths = (JSON.parse(readFileSync("tsconfig.json", "utf8")) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths;
const alias = Object.entries(paths)
  .sort(([a], [b]) => b.length - a.length)
  .map(([find, [to]]) => ({ find: new RegExp(`^${find}$`), replacement: resolve(to!) }));

// Two projects: the Kafka tests get a real broker (started once by the global
// setup, or KAFKA_BROKERS), the rest start none.
const KAFKA = ["test/kafka/**/*.test.ts", "test/runners/kafka/**/*.test.ts", "test/faults/**/*.test.ts", "test/bench/kafka-*.test.ts"];
// The Flink tests that need a Flink cluster and gateway (slow to start) run in `npm run test:flink`
// (vitest.flink.config.ts, all of test/runners/flink); compile.test.ts needs neither and runs here.
// Every file there but compile.test.ts, found by listing the folder so a new Flink test can't land in `npm test` by accident.
const FLINK = readdirSync("test/runners/flink")
  .filter((f) => f.endsWith(".test.ts") && f !== "compile.test.ts")
  .map((f) => `test/runners/flink/${f}`);
// Of those, the few jobs `npm test` runs on a real local Flink too (issue 15: a small Flink subset in
// the parity suite): the flagship's files byte for byte, a parity subset, the topic sources and the failures a user meets, about a dozen jobs.
const FLINK_IN_NPM_TEST = [
  "test/runners/flink/flagship.test.ts",
  "test/runners/flink/parity-subset.test.ts",
  "test/runners/flink/topics.test.ts",
  "test/runners/flink/errors.test.ts",
];

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    coverage: { provider: "v8" },
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...KAFKA, ...FLINK] } },
      {
        extends: true,
        test: {
          name: "kafka",
          include: KAFKA,
          globalSetup: ["test/kafka-global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One broker on two cores: Kafka test files run one at a time.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "flink",
          include: FLINK_IN_NPM_TEST,
          // The broker too, for the topic sources (the kafka project's, when it runs: KAFKA_BROKERS is set by then).
          globalSetup: ["test/kafka-global-setup.ts", "test/flink-global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // One small cluster (2 slots) on two cores: Flink test files run one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
