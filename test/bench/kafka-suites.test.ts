/** The broker-backed suites of `npm run bench` at smoke size, on the Kafka project's broker (see all.test.ts). */
import { describe, it } from "vitest";
import { SUITES } from "../../bench/all.ts";
import { expectSections, smoke } from "./smoke.ts";

describe("npm run bench at smoke size, Kafka suites", () => {
  it("runs every suite that needs a broker and writes their tables", { timeout: 600_000 }, () => {
    const kafka = SUITES.filter((s) => s.kafka).map((s) => s.id);
    expectSections(smoke(kafka), kafka);
  });
});
