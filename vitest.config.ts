import { defineConfig } from "vitest/config";

// Two projects: the Kafka tests get a real broker (started once by the global
// setup, or KAFKA_BROKERS), the rest start none.
const KAFKA = ["test/kafka/**/*.test.ts", "test/runners/kafka/**/*.test.ts"];

export default defineConfig({
  // Inside the repository `import "lockstep"` means the sources (the exports'
  // "lockstep:source" condition); users get the compiled dist/.
  resolve: { conditions: ["lockstep:source", "module", "node", "import", "default"] },
  ssr: { resolve: { conditions: ["lockstep:source", "module", "node", "import", "default"] } },
  test: {
    testTimeout: 30_000,
    coverage: { provider: "v8" },
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: KAFKA } },
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
    ],
  },
});
