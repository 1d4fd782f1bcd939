/**
 * Structured logs of a running Kafka runner through pino: one JSON object a
 * line, with a level. The runner reports events as plain records
 * (`{event: "task started", task, ms}`); this module gives each event its
 * level and writes it, keeping the `event` field and using it as `msg`.
 *
 * @module
 */
import { pino } from "pino";
import type { Level, Logger } from "pino";

/** An event the runner reports (`log` option of the runners). */
export type RunnerEvent = Record<string, unknown>;

/** Levels of the events that are not `info`. */
const LEVELS: Readonly<Record<string, Level>> = {
  "consumer crashed": "error",
  "batch failed": "warn",
  "task takeover failed": "warn",
  "partial commit": "debug",
  "task started": "debug",
  "task ended": "debug",
};

/** The level of an event: errors and retries stand out, per-task chatter is `debug`. */
export const levelOf = (e: RunnerEvent): Level => (typeof e.event === "string" ? LEVELS[e.event] : undefined) ?? (e.error !== undefined ? "warn" : "info");

/** The levels `LOCKSTEP_LOG_LEVEL` may name. */
export const LOG_LEVELS: readonly string[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/**
 * A pino logger writing lines to `write` (e.g. stderr) at `level` and above
 * (default `LOCKSTEP_LOG_LEVEL`, else `info`). Levels are written by name
 * (`"level":"warn"`) and times as ISO strings, for people and log shippers alike.
 */
export const createLogger = (write: (line: string) => void, level = process.env.LOCKSTEP_LOG_LEVEL ?? "info"): Logger => {
  if (!LOG_LEVELS.includes(level)) throw new Error(`LOCKSTEP_LOG_LEVEL=${level} is not a log level. Fix: use one of ${LOG_LEVELS.join(", ")}`);
  return pino({ level, formatters: { level: (label) => ({ level: label }) }, timestamp: pino.stdTimeFunctions.isoTime }, { write });
};

/** The runners' `log` option over a pino logger: each event at its level. */
export const eventLog =
  (logger: Logger) =>
  (e: RunnerEvent): void => {
    logger[levelOf(e)](e, typeof e.event === "string" ? e.event : "event");
  };
