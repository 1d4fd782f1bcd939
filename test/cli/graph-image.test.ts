/** `lockstep graph --format svg|png`: images drawn without a system Graphviz. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { describe, expect, it } from "vitest";
import flagshipPipeline from "../../examples/user-sequences.ts";
import { compile } from "../../src/plan/compile.ts";
import { cli, repo, tempDir } from "./helpers.ts";

const dir = tempDir();
const flagship = repo("examples/user-sequences.ts");

/** The SVG parsed strictly as XML (any parse warning or error fails). */
const parseSvg = (text: string) => {
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(text, "image/svg+xml");
  return doc.documentElement!;
};

/** The texts of each `<g class="node">` of a Graphviz SVG, joined per node. */
const nodeTexts = (svg: ReturnType<typeof parseSvg>): string[] =>
  Array.from(svg.getElementsByTagName("g"))
    .filter((g) => g.getAttribute("class") === "node")
    .map((g) =>
      Array.from(g.getElementsByTagName("text"))
        .map((t) => t.textContent)
        .join("\n"),
    );

describe("lockstep graph --format svg|png", () => {
  it("writes an SVG that parses as XML and shows every stage with its op, keys, sources and sinks", async () => {
    const out = join(dir, "g", "flagship.svg");
    const r = await cli("graph", flagship, "--format", "svg", "-o", out);
    expect(r).toEqual({ code: 0, out: "", err: "" });
    const svg = parseSvg(readFileSync(out, "utf8"));
    expect(svg.tagName).toBe("svg");
    const texts = nodeTexts(svg);
    const stages = compile(flagshipPipeline, {}).nodes.map((n) => n.id);
    expect(stages).toHaveLength(9);
    expect(texts).toHaveLength(stages.length);
    for (const id of stages)
      expect(
        texts.some((t) => t.split("\n")[0] === id),
        id,
      ).toBe(true);
    expect(texts).toContain("events\nsource events (key userId)");
    expect(texts).toContain("items\ntable items (key itemId, validFrom updatedAt)");
    expect(texts).toContain("events-items.keyBy\nkeyBy userId");
    expect(texts).toContain("sequences\nsink sequences, served: params limit, hide → filterItems events → limit events");
    expect(Array.from(svg.getElementsByTagName("g")).filter((g) => g.getAttribute("class") === "edge")).toHaveLength(8);
  });

  it("prints the SVG on stdout without -o, and shows windows", async () => {
    const r = await cli("graph", repo("examples/window-count.ts"), "--format", "svg", "--param", "window=sliding:30s/5s", "--param", "lateness=5s");
    expect(r.code).toBe(0);
    expect(nodeTexts(parseSvg(r.out)).some((t) => t.endsWith("\nwindow sliding:30s/5s lateness 5000ms"))).toBe(true);
  });

  it("writes a PNG (signature, non-empty image header), and refuses png without -o", async () => {
    const out = join(dir, "flagship.png");
    const r = await cli("graph", flagship, "--format", "png", "-o", out);
    expect(r).toEqual({ code: 0, out: "", err: "" });
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
    expect(png.readUInt32BE(16)).toBeGreaterThan(500); // width
    expect(png.readUInt32BE(20)).toBeGreaterThan(50); // height
    const bad = await cli("graph", flagship, "--format", "png");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--format png writes binary data. Fix: add -o graph.png");
  });

  it("mermaid and dot still print text, and -o writes them to a file", async () => {
    const out = join(dir, "flagship.dot");
    expect((await cli("graph", flagship, "--format", "dot", "-o", out)).code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe((await cli("graph", flagship, "--format", "dot")).out);
  });
});
