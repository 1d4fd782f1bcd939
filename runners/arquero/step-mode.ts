/**
 * The step modes `explain` reports. On its own, without arquero's types, so
 * the package's public declarations (`lockstep/arquero`) do not pull in
 * arquero's own declaration files.
 *
 * @module
 */

/**
 * How a stage runs: `columnar` as arquero verbs over whole columns;
 * `row-at-a-time` in a visible JavaScript step (executors, a few rules
 * with a sequential dependency); `edge` for reading and decoding input and
 * assembling the final view, which are row-shaped by nature.
 */
export type StepMode = "columnar" | "row-at-a-time" | "edge";
