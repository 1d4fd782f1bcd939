import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

// The fault suite at full size (docs/reliability.md): `npm run test:faults`. Sizes: FAULT_KILLS, FAULT_EVENTS, FAULT_SEED.
export default mergeConfig(
  { resolve: base.resolve },
  defineConfig({
    test: {
      include: ["test/faults/**/*.test.ts"],
      globalSetup: ["test/kafka-global-setup.ts"],
      testTimeout: 3_600_000,
      hookTimeout: 180_000,
      fileParallelism: false,
    },
  }),
);
