/**
 * Dead-letter accounting per source, the same for every runner: how many of
 * a source's records were rejected (at decoding or by a later stage), the
 * most common reason, and the dead-letter rate rule — a source whose rate is
 * above the allowed maximum fails the run. A source that rejected every
 * record is almost always a wrong definition or input (a misspelt field, the
 * wrong file), so it is reported loudly even when no maximum is set.
 *
 * Runners only produce a {@link RunResult}; this module decides from it.
 *
 * @module
 */
import type { Plan } from "../plan/ir.ts";
import type { RunResult } from "./result.ts";

/** One source's (or table's) dead letters. */
export interface SourceDeadLetters {
  readonly source: string;
  readonly op: "source" | "table";
  /** Records read from it. */
  readonly read: number;
  /** Distinct records of it that went to the dead letters (anywhere in the pipeline). */
  readonly rejected: number;
  /** `rejected / read` (0 when nothing was read). */
  readonly rate: number;
  /** The most frequent reason and how many dead letters gave it. */
  readonly topReason?: { readonly reason: string; readonly count: number };
}

/** True for a valid maximum dead-letter rate: a number from 0 to 1. */
export const isRate = (r: number): boolean => Number.isFinite(r) && r >= 0 && r <= 1;

/**
 * The dead letters of every source and table of `plan`, in plan order.
 * A record counts once however many stages rejected parts of it (a flatMap's
 * items), so the rate never exceeds 1.
 */
export const deadLettersBySource = (plan: Plan, result: Pick<RunResult, "deadLetters" | "metrics">): SourceDeadLetters[] => {
  const records = new Map<string, Set<string>>();
  const reasons = new Map<string, Map<string, number>>();
  for (const d of result.deadLetters) {
    let r = records.get(d.source);
    if (!r) records.set(d.source, (r = new Set()));
    r.add(`${d.partition ?? ""}:${d.offset}`);
    let byReason = reasons.get(d.source);
    if (!byReason) reasons.set(d.source, (byReason = new Map()));
    byReason.set(d.reason, (byReason.get(d.reason) ?? 0) + 1);
  }
  const out: SourceDeadLetters[] = [];
  for (const n of plan.nodes) {
    if (n.op !== "source" && n.op !== "table") continue;
    const read = result.metrics[n.id]?.in ?? 0;
    const rejected = records.get(n.id)?.size ?? 0;
    let top: { reason: string; count: number } | undefined;
    for (const [reason, count] of reasons.get(n.id) ?? []) if (!top || count > top.count) top = { reason, count };
    out.push({ source: n.id, op: n.op, read, rejected, rate: read === 0 ? 0 : Math.min(1, rejected / read), ...(top ? { topReason: top } : {}) });
  }
  return out;
};

const percent = (r: number): string => `${Math.round(r * 1000) / 10}%`;
const reasonOf = (s: SourceDeadLetters): string => (s.topReason ? `; most common reason (${s.topReason.count}×): ${s.topReason.reason}` : "");

/** A warning line for every source that sent every record (at least one) to the dead letters. */
export const allRejectedWarnings = (sources: readonly SourceDeadLetters[]): string[] =>
  sources
    .filter((s) => s.read > 0 && s.rejected >= s.read)
    .map((s) => `lockstep: WARNING: ${s.op} "${s.source}" sent every record (${s.rejected} of ${s.read}) to the dead letters${reasonOf(s)}`);

/** The sources whose dead-letter rate is above `max` (the run fails when there is any). */
export const overRate = (sources: readonly SourceDeadLetters[], max: number): SourceDeadLetters[] => sources.filter((s) => s.rate > max);

/** Why a run failed the dead-letter rate rule, one source per line. */
export const overRateMessage = (over: readonly SourceDeadLetters[], max: number): string =>
  over
    .map(
      (s) =>
        `${s.op} "${s.source}": ${s.rejected} of ${s.read} records (${percent(s.rate)}) went to the dead letters, above --max-dead-letter-rate ${max}${reasonOf(s)}`,
    )
    .join("\n  ") + ". Fix: correct the input or the definition (write the rejected records with --dead-letters to see why), or raise --max-dead-letter-rate";
