import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

// The Flink runner's tests (`npm run test:flink`): one real SQL Gateway with a local session
// cluster behind it, started once by the global setup (or FLINK_GATEWAY). Not part of `vitest run`:
// three JVMs take 11 s to start on an idle 2-core box and over 60 s on a loaded one, and each
// Flink job takes seconds.
export default mergeConfig(
  { resolve: base.resolve },
  defineConfig({
    test: {
      include: ["test/runners/flink/**/*.test.ts"],
      globalSetup: ["test/kafka-global-setup.ts", "test/flink-global-setup.ts"],
      testTimeout: 300_000,
      hookTimeout: 300_000,
      // One small cluster (2 slots) on two cores: Flink test files run one at a time.
      fileParallelism: false,
    },
  }),
);
