import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/canonical.ts";
import { runDirect } from "../../runners/direct/index.ts";
import sessions from "../../examples/sessions.ts";
import { accounting, repo, runOn } from "./helpers.ts";

// examples/sessions.ts: per user, sessions of gap 30m (proto-window
// [t, t + 30m), overlapping ones merge, touching ones do not) with 10m of
// allowed lateness: an element is late when its user's clock c ≥ t + 40m.
// Aggregates per session: clicks, distinct pages, dwell sum/mean/max, and
// the page of the earliest / latest click (ties: smallest / largest JSON).

const M = 60_000; // one minute in ms
const click = (userId: string, page: string, minute: number, dwellMs: number) => ({ userId, page, ts: minute * M, dwellMs });

const clicks = [
  /*  1 */ click("u1", "home", 0, 1000), // [0, 30m)
  /*  2 */ click("u1", "pin", 10, 3000), // [10m, 40m) → session [0, 40m)
  /*  3 */ click("u1", "pin", 10, 3000), // exact duplicate: counted again
  /*  4 */ click("u2", "home", 5, 200), // u2: [5m, 35m)
  /*  5 */ click("u1", "board", 50, 2000), // [50m, 80m): 40m ≤ 50m, a new session; [0, 40m) fires
  /*  6 */ click("u1", "home", 25, 500), // out of order, c = 50m < 65m: [25m, 55m) bridges → [0, 80m), [0, 40m) retracted
  /*  7 */ click("u2", "home", 35, 300), // [35m, 65m) touches [5m, 35m): not merged
  /*  8 */ click("u1", "profile", 120, 4000), // u1's clock → 120m: [120m, 150m)
  /*  9 */ click("u2", "search", 35, 50), // same time as 7: first page "home", last page "search"
  /* 10 */ click("u1", "search", 70, 100), // late: 120m ≥ 70m + 40m (it would have joined [0, 80m))
  /* 11 */ click("u1", "pin", 85, 700), // 120m < 125m: on time; [85m, 115m) touches nothing
  /* 12 */ { userId: "u2", page: "home", ts: "5pm", dwellMs: 1 }, // dead letter: ts not a number
  /* 13 */ { userId: "u3", page: "pin", ts: 0 }, // dead letter: no dwellMs
];

type Session = Record<string, unknown>;
const session = (
  userId: string,
  from: number,
  to: number,
  s: { clicks: number; pages: number; dwellMs: number; mean: number; max: number; first: string; last: string },
): Session => ({
  userId,
  windowStart: from * M,
  windowEnd: to * M,
  clicks: s.clicks,
  pages: s.pages,
  dwellMs: s.dwellMs,
  meanDwellMs: s.mean,
  longestDwellMs: s.max,
  firstPage: s.first,
  lastPage: s.last,
});

// u1 [0, 80m): clicks 1, 2, 3, 5, 6: pages home, pin, board; dwell 1000 + 3000 + 3000 + 2000 + 500.
const u1Main = session("u1", 0, 80, { clicks: 5, pages: 3, dwellMs: 9500, mean: 1900, max: 3000, first: "home", last: "board" });
const u1Pin = session("u1", 85, 115, { clicks: 1, pages: 1, dwellMs: 700, mean: 700, max: 700, first: "pin", last: "pin" });
const u1Profile = session("u1", 120, 150, { clicks: 1, pages: 1, dwellMs: 4000, mean: 4000, max: 4000, first: "profile", last: "profile" });
const u2First = session("u2", 5, 35, { clicks: 1, pages: 1, dwellMs: 200, mean: 200, max: 200, first: "home", last: "home" });
const u2Second = session("u2", 35, 65, { clicks: 2, pages: 2, dwellMs: 350, mean: 175, max: 300, first: "home", last: "search" });

describe("sessions on a small hand-worked input", () => {
  it("merges out-of-order clicks into sessions, drops the late one, keeps touching sessions apart", async () => {
    const r = await runOn(sessions, { clicks });
    expect(canonicalJson(r.outputs.sessions)).toBe(canonicalJson([u1Main, u1Pin, u1Profile, u2First, u2Second]));
    expect(r.late).toHaveLength(1);
    expect(r.late[0]).toMatchObject({ source: "clicks", offset: 10, eventTime: 70 * M, clock: 120 * M, windowStart: 70 * M, windowEnd: 100 * M });
  });

  it("accounts for every record", async () => {
    const r = await runOn(sessions, { clicks });
    expect(accounting(r, "clicks")).toEqual({ read: 13, accepted: 11, dead: 2 });
    expect(r.deadLetters.map((d) => d.offset)).toEqual([12, 13]);
  });

  it("with --param lateness=0s, click 11 is late too (120m ≥ 85m + 30m)", async () => {
    const r = await runOn(sessions, { clicks }, { lateness: "0s" });
    // Click 6 still counts: 50m < 25m + 30m.
    expect(canonicalJson(r.outputs.sessions)).toBe(canonicalJson([u1Main, u1Profile, u2First, u2Second]));
    expect(r.late.map((l) => l.offset).sort((a, b) => a - b)).toEqual([10, 11]);
  });

  it("with --param gap=5m, sessions split where clicks are 5m or more apart", async () => {
    const r = await runOn(sessions, { clicks }, { gap: "5m" });
    // Late when c ≥ t + 15m. u1: 1 [0, 5m); 2, 3 [10m, 15m); 5 [50m, 55m); 6 (25m, c 50m) late;
    // 8 [120m, 125m); 10 (70m, c 120m) late; 11 (85m, c 120m) late. u2: 4 [5m, 10m); 7 and 9 [35m, 40m).
    const one = (userId: string, from: number, page: string, dwell: number) =>
      session(userId, from, from + 5, { clicks: 1, pages: 1, dwellMs: dwell, mean: dwell, max: dwell, first: page, last: page });
    expect(canonicalJson(r.outputs.sessions)).toBe(
      canonicalJson([
        one("u1", 0, "home", 1000),
        session("u1", 10, 15, { clicks: 2, pages: 1, dwellMs: 6000, mean: 3000, max: 3000, first: "pin", last: "pin" }),
        one("u1", 50, "board", 2000),
        one("u1", 120, "profile", 4000),
        one("u2", 5, "home", 200),
        session("u2", 35, 40, { clicks: 2, pages: 2, dwellMs: 350, mean: 175, max: 300, first: "home", last: "search" }),
      ]),
    );
    expect(r.late.map((l) => l.offset).sort((a, b) => a - b)).toEqual([6, 10, 11]);
  });
});

describe("sessions on the bundled sample data", () => {
  it("runs with no dead letters, and every click is in a session or reported late", async () => {
    const r = await runDirect(sessions, { inputs: { clicks: repo("examples/data/clicks.jsonl") } });
    expect(accounting(r, "clicks")).toEqual({ read: 54, accepted: 54, dead: 0 });
    const rows = r.outputs.sessions as { clicks: number; userId: string; windowStart: number; windowEnd: number }[];
    expect(rows.reduce((n, s) => n + s.clicks, 0) + r.late.length).toBe(54);
    // Sessions of one user never overlap (they would have merged).
    for (let i = 1; i < rows.length; i++) {
      if (rows[i]!.userId === rows[i - 1]!.userId) expect(rows[i]!.windowStart).toBeGreaterThanOrEqual(rows[i - 1]!.windowEnd);
    }
  });
});
