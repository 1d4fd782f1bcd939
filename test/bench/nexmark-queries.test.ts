/**
 * Smoke run of bench/nexmark-queries.ts, so the harness cannot rot: every Nexmark query on the
 * DirectRunner and the ArqueroBatchRunner over a few thousand generated events, in this process, and
 * one query through the real path (a process per run under GNU time). Asserts that every run finished
 * and that each final view equals the DirectRunner's — never how long anything took.
 */
import { describe, expect, it } from "vitest";
import { formatRows, formatSummary, runTable } from "../../bench/nexmark-queries.ts";
import { QUERIES } from "../../bench/nexmark-query.ts";

const ALL = Object.keys(QUERIES);

describe("bench/nexmark-queries.ts (smoke)", () => {
  it("runs every query on Direct and Arquero and finds their final views equal", async () => {
    const rows = await runTable({ events: 2000, kafkaEvents: 2000, queries: ALL, runners: ["direct", "arquero"], inProcess: true });
    expect(rows.map((r) => `${r.query} ${r.runner}`)).toEqual(ALL.flatMap((q) => [`${q} direct`, `${q} arquero`]));
    for (const r of rows) {
      expect("error" in r.run ? r.run.error : "ok", `${r.query} on ${r.runner}`).toBe("ok");
      expect(r.agrees, `${r.query} on ${r.runner}: final view = Direct's`).toBe(r.runner === "direct" ? null : true);
    }
    // q0 passes every event through: the harness counts the rows of the final view.
    expect(rows.find((r) => r.query === "q0" && r.runner === "arquero")?.run).toMatchObject({ outputRows: 2000 });
    const table = formatRows(rows);
    expect(table.split("\n")).toHaveLength(2 + rows.length);
    expect(table).not.toContain("**NO**");
    const summary = formatSummary(rows, { events: 2000, kafkaEvents: 2000, runners: ["direct", "arquero"] });
    expect(summary.split("\n")).toHaveLength(2 + ALL.length);
    expect(summary).toContain("| q6 |");
  }, 120_000);

  it("runs each query in its own process and reads back its result and peak RSS", async () => {
    const rows = await runTable({ events: 2000, kafkaEvents: 2000, queries: ["q2"], runners: ["arquero"] });
    // The DirectRunner runs first as the reference, then the runner asked for.
    expect(rows.map((r) => r.runner)).toEqual(["direct", "arquero"]);
    for (const r of rows) expect("error" in r.run ? r.run.error : "ok").toBe("ok");
    expect(rows[1]!.agrees).toBe(true);
    for (const r of rows) expect(r.peakRssKiB === null || r.peakRssKiB > 0).toBe(true);
  }, 120_000);
});
