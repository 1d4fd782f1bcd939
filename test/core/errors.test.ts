import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import * as L from "lockstep";
import { ServiceError } from "../../src/engine/services.ts";
import { ParityError, ParityUsageError } from "../../src/parity/harness.ts";
import { UnknownRunnerError } from "../../src/parity/runners.ts";
import { UsageError } from "../../src/cli/usage-error.ts";

// One error family: everything lockstep throws on purpose is a LockstepError with a stable code.
describe("the error family", () => {
  it("every lockstep error class is a LockstepError with its own stable code", () => {
    const errors = [
      new L.DefinitionError("nodes[1]", "bad", "fix it"),
      new L.DefinitionErrors([new L.DefinitionError("a", "b", "c")]),
      new L.RunError("failed", "stage"),
      new ServiceError("down"),
      new UsageError("bad flag"),
      new ParityUsageError("no runners"),
      new UnknownRunnerError("nope"),
    ];
    for (const e of errors) expect(e).toBeInstanceOf(L.LockstepError);
    expect(errors.map((e) => e.code)).toEqual([
      "LOCKSTEP_DEFINITION",
      "LOCKSTEP_DEFINITIONS",
      "LOCKSTEP_RUN",
      "LOCKSTEP_SERVICE",
      "LOCKSTEP_USAGE",
      "LOCKSTEP_PARITY_USAGE",
      "LOCKSTEP_UNKNOWN_RUNNER",
    ]);
    expect(ParityError.prototype).toBeInstanceOf(L.LockstepError);
  });

  it("the DSL's own checks throw DefinitionError naming the stage and the fix", () => {
    const Row = t.type({ k: t.string });
    const single = () => L.compile(L.pipeline("p", { version: 1 }, ({ source, sink }) => L.pipe(L.flatten([source("a", Row)]), sink("out"))));
    expect(single).toThrow(L.DefinitionError);
    expect(single).toThrow("flatten: needs at least two streams, got 1. Fix: pass an array of two or more streams");
    expect(() => L.executor("1bad", 1, { filter: () => true })).toThrow(L.DefinitionError);
    expect(() => L.executor("noHooks", 1, {})).toThrow('executor "noHooks": has no hooks. Fix:');
  });
});
