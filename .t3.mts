import { bothRuns, asFiles, asSet } from "./test/runners/arquero/parity.ts";
import wc from "./examples/wordcount.ts";
import us from "./examples/user-sequences.ts";
import se from "./examples/sessions.ts";
import win from "./examples/window-count.ts";
import { isDeepStrictEqual } from "node:util";
const cases: [string, any, any][] = [
  ["wordcount", wc, { inputs: { lines: "examples/data/lines.jsonl" } }],
  ["user-seq", us, { inputs: { events: "examples/data/events.jsonl", items: "examples/data/items.jsonl" } }],
  ["sessions", se, { inputs: { clicks: "examples/data/clicks.jsonl" } }],
  ...["global", "fixed:10s", "sliding:30s/5s", "session:10s"].map((w) => ["window " + w, win, { inputs: { events: "examples/data/window-events.jsonl" }, params: { window: w, lateness: "5s" } }] as [string, any, any]),
];
for (const [name, def, opts] of cases) {
  try {
    const { direct, arquero, logs } = await bothRuns(def, opts);
    const o = isDeepStrictEqual(asFiles(arquero), asFiles(direct));
    const d = isDeepStrictEqual(asSet(arquero.deadLetters), asSet(direct.deadLetters));
    const l = isDeepStrictEqual(asSet(arquero.late), asSet(direct.late));
    console.log(name, { o, d, l, rows: Object.values(direct.outputs).map((x) => x.length), late: direct.late.length, dead: direct.deadLetters.length, logs });
    if (!o) { console.log(JSON.stringify(asFiles(direct)).slice(0, 600)); console.log(JSON.stringify(asFiles(arquero)).slice(0, 600)); }
    if (!d) { console.log(asSet(direct.deadLetters)); console.log(asSet(arquero.deadLetters)); }
    if (!l) { console.log(asSet(direct.late).slice(0,3)); console.log(asSet(arquero.late).slice(0,3)); }
  } catch (e) { console.log(name, "ERROR", e); }
}
