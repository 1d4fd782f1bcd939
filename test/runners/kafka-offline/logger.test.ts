/** The Kafka runner's structured logs through pino: levels per event, a level threshold, JSON lines. */
import { describe, expect, it } from "vitest";
import { createLogger, eventLog, levelOf } from "../../../runners/kafka/logger.ts";

const capture = (level?: string) => {
  const out: string[] = [];
  const log = eventLog(createLogger((l) => void out.push(l), level));
  return { log, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>), raw: out };
};

describe("runner logs (pino)", () => {
  it("writes one JSON line per event with its level by name, an ISO time, msg = event and the event's fields", () => {
    const c = capture("info");
    c.log({ event: "started", app: "a", topics: 7 });
    c.log({ event: "batch failed", task: "0_1", attempt: 2, error: "timeout" });
    c.log({ event: "consumer crashed", error: "gone" });
    expect(c.raw.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    const [a, b, e] = c.lines();
    expect(a).toMatchObject({ level: "info", msg: "started", event: "started", app: "a", topics: 7 });
    expect(a!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(typeof a!.pid).toBe("number");
    expect(b).toMatchObject({ level: "warn", msg: "batch failed", attempt: 2 });
    expect(e).toMatchObject({ level: "error", msg: "consumer crashed" });
  });

  it("leaves out events below the level (per-task chatter is debug)", () => {
    const c = capture("info");
    c.log({ event: "task started", task: "0_0", ms: 3 });
    c.log({ event: "following" });
    expect(c.lines().map((l) => l.msg)).toEqual(["following"]);
    const d = capture("debug");
    d.log({ event: "task started", task: "0_0", ms: 3 });
    expect(d.lines()).toMatchObject([{ level: "debug", msg: "task started", task: "0_0" }]);
    expect(levelOf({ event: "something new", error: "x" })).toBe("warn");
    expect(levelOf({ event: "something new" })).toBe("info");
  });

  it("refuses an unknown level, naming the choices", () => {
    expect(() => createLogger(() => {}, "loud")).toThrow(
      "LOCKSTEP_LOG_LEVEL=loud is not a log level. Fix: use one of fatal, error, warn, info, debug, trace, silent",
    );
  });
});
