/**
 * Reading a finished job's output tables back: Flink's part files (JSON
 * lines; hidden and in-progress files skipped), each row rebuilt into the
 * element it stands for — the source record from `_raw`, or the fields
 * from their columns — then a sink's rows sorted into the final view by the
 * engine's own `FinalView` (§11), and side-output rows turned into dead
 * letters and late elements worded by the shared rules.
 *
 * @module
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson } from "../../src/core/canonical.ts";
import { boundDeadLetter } from "../../src/engine/dead-letter.ts";
import { elem } from "../../src/engine/elem.ts";
import { FinalView } from "../../src/engine/final-view.ts";
import type { DeadLetter, LateElement } from "../../src/engine/operator.ts";
import { ownField, setOwnField } from "../../src/core/fields.ts";
import { noBranchReason } from "../../src/engine/ops/executors.ts";
import { lateElementOf } from "../../src/engine/windowed/lateness.ts";
import { bytesOfBase64 } from "../../src/io/base64.ts";
import { parseMessage } from "../../src/io/jsonl.ts";
import type { SourceNode, TableNode } from "../../src/plan/ir.ts";
import type { Decoder } from "../../src/schema/decode.ts";
import { makeDecoder } from "../../src/schema/decode.ts";
import { fromSchema } from "../../src/schema/from-schema.ts";
import { edgeRow } from "./edge-row.ts";
import type { OutputTable, RowShape } from "./step.ts";
import { originOfLine } from "./steps/topic-source.ts";

type Row = Readonly<Record<string, unknown>>;

/** No source read from a topic: every `_line` is an offset. */
const NO_TOPICS: ReadonlySet<string> = new Set();

/** Every row of the part files in `dir` (a table Flink wrote nothing to may have no directory). */
export const readTable = async (dir: string): Promise<Row[]> => {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith(".") && !n.startsWith("_")).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const rows: Row[] = [];
  for (const name of names) {
    const text = await readFile(join(dir, name), "utf8");
    for (const line of text.split("\n")) if (line.trim() !== "") rows.push(JSON.parse(line) as Row);
  }
  return rows;
};

/** The element a row stands for. */
export const elementOf = (shape: RowShape, row: Row): unknown => {
  if (shape.raw) {
    const v = JSON.parse(row._raw as string) as Record<string, unknown>;
    for (const name of shape.overlay ?? []) setOwnField(v, name, row[shape.fields.find((f) => f.name === name)!.column] ?? null);
    return v;
  }
  // fromEntries defines own properties, so a "__proto__" field stays data.
  return Object.fromEntries(shape.fields.map((f) => [f.name, row[f.column] ?? null]));
};

/** A sink's final view from its rows. */
export const finalViewOfRows = (shape: RowShape, rows: readonly Row[]): unknown[] => {
  const view = new FinalView();
  const origin = { source: "", offset: 0 };
  for (const row of rows) {
    const v = elementOf(shape, row);
    if (shape.pane === null) {
      view.add(elem({ v, t: 0, c: 0, origin }));
      continue;
    }
    const pkv = [...shape.pane.keys.map((k) => row[k.column] ?? null), ...(shape.pane.windowed ? [row._pws ?? null, row._pwe ?? null] : [])];
    view.add(elem({ v, t: 0, c: 0, pk: canonicalJson(pkv), pkv, origin }));
  }
  return view.rows();
};

/**
 * The dead letters of a stage from its table's rows: a withTimestamps' (their event time was not
 * a finite number), a dispatch's (no branch for their value, worded by the engine's rule), a
 * GraalJS stage's (with their reason), or a topic's edge (made here from the refused message). `topics`: the
 * sources read from topics, whose `_line` holds partition and offset.
 */
export const deadLettersOfRows = (
  o: Extract<OutputTable, { kind: "deadLetters" }>,
  rows: readonly Row[],
  topics: ReadonlySet<string> = NO_TOPICS,
): DeadLetter[] =>
  rows.map((row) => {
    if (o.what === "edge") return edgeDeadLetter(o.node, o.fields, row);
    const value = elementOf(o, row);
    const reason =
      o.what === "eventTime"
        ? `event time is ${canonicalJson(null)}, not a finite number of ms`
        : o.what === "reason"
          ? (row._reason as string)
          : noBranchReason(o.field, ownField(value as Record<string, unknown>, o.field), o.known);
    const source = row._src as string;
    return boundDeadLetter({ source, ...originOfLine(row._line as number, source, topics), stage: o.stage, reason, value });
  });

/** Decoders of the topic sources whose refused records are being read back, by node. */
const decoders = new WeakMap<SourceNode | TableNode, Decoder>();

/**
 * The dead letter of a record a topic's edge refused in Flink, made here by the same edge rule
 * from its bytes, so its reason quotes V8's JSON.parse, as on every runner (not GraalJS's).
 */
const edgeDeadLetter = (node: SourceNode | TableNode, fields: RowShape["fields"], row: Row): DeadLetter => {
  let decode = decoders.get(node);
  if (decode === undefined) decoders.set(node, (decode = makeDecoder(fromSchema(node.schema))));
  const b = row._b as string | null | undefined;
  const partition = row._p as number;
  const text = (row._t as string | null | undefined) ?? null;
  const rec = { ...parseMessage(text, b == null ? undefined : bytesOfBase64(b), row._o as number), partition };
  const r = edgeRow(node, fields, rec, decode);
  if (r.ok !== false) throw new Error(`internal: Flink refused the record of ${node.id} at partition ${partition}, offset ${rec.offset}, which Node admits`);
  return boundDeadLetter(r.dead);
};

/** The late elements of a combine from its table's rows. */
export const lateOfRows = (o: Extract<OutputTable, { kind: "late" }>, rows: readonly Row[], topics: ReadonlySet<string> = NO_TOPICS): LateElement[] =>
  rows.map((row) =>
    lateElementOf(
      o.stage,
      elem({
        v: elementOf(o, row),
        t: row._t as number,
        c: row._c as number,
        origin: { source: row._src as string, ...originOfLine(row._line as number, row._src as string, topics) },
      }),
      { start: row._ws as number, end: row._we as number },
      o.allowedLateness,
      o.session,
    ),
  );
