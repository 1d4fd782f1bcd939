/**
 * Drawing a plan as an image without a system Graphviz: the dot text of
 * `renderGraph` is laid out by Graphviz compiled to WebAssembly
 * (`@viz-js/viz`) into SVG, and SVG is rasterised to PNG by resvg compiled to
 * WebAssembly (`@resvg/resvg-wasm`) with the DejaVu Sans font shipped by the
 * `dejavu-fonts-ttf` package (WebAssembly cannot see the system's fonts, and
 * a machine may have none).
 *
 * The libraries are loaded here, on first use: `lockstep graph` is the only
 * command that needs them, and the CLI's start-up should not pay for them.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Plan } from "../plan/ir.ts";
import { renderGraph } from "./graph.ts";

/** Image formats `lockstep graph` draws. */
export type ImageFormat = "svg" | "png";

/** The font Graphviz lays text out with and resvg draws it in: the same face, so labels fit their boxes. */
const FONT = "DejaVu Sans";

/** The SVG text of a plan's graph. */
export const renderSvg = async (plan: Plan): Promise<string> => {
  const { instance } = await import("@viz-js/viz");
  const viz = await instance();
  return viz.renderString(renderGraph(plan, "dot"), {
    format: "svg",
    graphAttributes: { fontname: FONT },
    nodeAttributes: { fontname: FONT, fontsize: 12 },
    edgeAttributes: { fontname: FONT },
  });
};

let resvgReady: Promise<void> | undefined;

/** The PNG bytes of an SVG image. */
export const svgToPng = async (svg: string): Promise<Uint8Array> => {
  const resvg = await import("@resvg/resvg-wasm");
  const require = createRequire(import.meta.url);
  resvgReady ??= readFile(require.resolve("@resvg/resvg-wasm/index_bg.wasm")).then((wasm) => resvg.initWasm(wasm));
  await resvgReady;
  const font = new Uint8Array(await readFile(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")));
  const image = new resvg.Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: 2 }, // twice the SVG's size: legible on high-density screens
    font: { fontBuffers: [font], defaultFontFamily: FONT, sansSerifFamily: FONT, serifFamily: FONT },
  });
  try {
    return image.render().asPng();
  } finally {
    image.free();
  }
};

/** A plan's graph as an image: SVG text or PNG bytes. */
export const renderGraphImage = async (plan: Plan, format: ImageFormat): Promise<string | Uint8Array> => {
  const svg = await renderSvg(plan);
  return format === "svg" ? svg : svgToPng(svg);
};
