/**
 * Event histories for the `Ev`/`Tb` shapes of `src/parity/pipelines.ts`:
 * several source keys, out of order, with exact duplicates, same-id
 * re-deliveries within one source key, elements far behind their key's
 * clock (late), and records that fail decoding or carry a non-finite time.
 */
import fc from "fast-check";

/** A record as an input array holds it (anything: decoding decides). */
export type RawInput = unknown;

const KEYS = ["u1", "u2", "u3"] as const;
const IDS = ["e1", "e2", "e3", "e4", "e5", "e6"] as const;
const STRINGS = ["apple", "Banana", "b", "x", "", "a b"] as const;

/** One valid event, before its time is placed on the history's walk. */
const eventArb = fc.record({
  id: fc.constantFrom(...IDS),
  k: fc.constantFrom(...KEYS),
  x: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.1, 0.2, -0.25, 1e16, -1e16, 2.5)),
  s: fc.constantFrom(...STRINGS),
  tag: fc.constantFrom("a", "b", "c"),
});

/** A step of a history: a new event (its time moves by `dt`), a repeat of an earlier record, or a bad record. */
const stepArb = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("event" as const),
      ev: eventArb,
      // Whole seconds often, so times land exactly on window ends and clocks exactly on end + lateness.
      dt: fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0, max: 4000 }) },
        { weight: 3, arbitrary: fc.constantFrom(0, 1000, 2000, 5000) },
        { weight: 2, arbitrary: fc.integer({ min: -70, max: -1 }).map((s) => s * 1000) },
        { weight: 1, arbitrary: fc.integer({ min: -70_000, max: -1 }) },
      ),
      frac: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("repeat" as const), back: fc.nat(), change: fc.boolean(), dt: fc.integer({ min: -3000, max: 3000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("bad" as const),
      value: fc.constantFrom<RawInput>(
        null,
        "text",
        42,
        [1, 2],
        { id: "e9" },
        { id: 1, k: "u1", ts: 0, x: 1, s: "a", tag: "a" },
        { id: "e9", k: "u1", ts: "soon", x: 1, s: "a", tag: "a" },
        { id: "e9", k: "u2", ts: 5, x: 1, s: "a", tag: "z" },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("nan" as const), ev: eventArb }) },
);

/**
 * A source's records: times walk mostly forward from `start` with jumps
 * back; repeats copy an earlier record exactly, or re-deliver its id from
 * the same source key with a new time and value.
 */
export const historyArb = (start = 1_000_000): fc.Arbitrary<RawInput[]> =>
  fc.array(stepArb, { maxLength: 40 }).map((steps) => {
    const out: RawInput[] = [];
    const events: Record<string, unknown>[] = [];
    let ts = start;
    for (const st of steps) {
      switch (st.kind) {
        case "event": {
          ts = Math.max(0, ts + st.dt);
          const ev = { ...st.ev, ts: st.frac && ts % 1000 !== 0 ? ts + 0.5 : ts };
          events.push(ev);
          out.push(ev);
          break;
        }
        case "repeat": {
          if (events.length === 0) break;
          const prev = events[st.back % events.length]!;
          const again = st.change ? { ...prev, ts: Math.max(0, (prev.ts as number) + st.dt), x: (prev.x as number) + 1 } : prev;
          if (st.change) events.push(again);
          out.push(again);
          break;
        }
        case "bad":
          out.push(st.value);
          break;
        case "nan":
          // Valid for the codec (t.number accepts NaN) but not a finite event time: a withTimestamps dead letter.
          out.push({ ...st.ev, ts: Number.NaN });
          break;
      }
    }
    return out;
  });

/** Versions of the labels table: several per `s`, some sharing a validFrom, one with a non-finite validFrom. */
export const labelsArb: fc.Arbitrary<RawInput[]> = fc.array(
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({ s: fc.constantFrom(...STRINGS), label: fc.constantFrom("L1", "L2", "L3"), from: fc.integer({ min: 990_000, max: 1_060_000 }) }),
    },
    { weight: 1, arbitrary: fc.record({ s: fc.constantFrom(...STRINGS), label: fc.constant("bad"), from: fc.constant(Number.POSITIVE_INFINITY) }) },
    { weight: 1, arbitrary: fc.constant<RawInput>({ s: "x", label: 7, from: 0 }) },
  ),
  { maxLength: 12 },
);
