/**
 * Word count: the non-empty pieces of `line.toLowerCase().split(/[^a-z']+/)`,
 * counted over the whole input.
 *
 *   npx lockstep run examples/wordcount.ts --in lines=examples/data/lines.jsonl --out counts=-
 */
import * as t from "io-ts";
import * as L from "lockstep";

/** One line of text. */
export const Line = t.type({ line: t.string });

export default L.pipeline("wordcount", { version: 1 }, ({ source, sink }) =>
  L.pipe(
    source("lines", Line),
    L.flatMap(
      (e) =>
        e
          .field("line")
          .lower()
          .split(/[^a-z']+/),
      { as: "word" },
    ),
    L.filter((e) => e.field("word").length().gt(0)),
    L.keyBy("word"),
    L.combine({ count: L.count() }),
    sink("counts"),
  ),
);
