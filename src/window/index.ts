/**
 * Windowing: durations, window functions, assignment of elements to windows,
 * and session merging.
 *
 * @module
 */

export { parseDuration, formatDuration } from "./duration.ts";
export { GLOBAL_WINDOW } from "./types.ts";
export type { Window, WindowFn } from "./types.ts";
export { assignWindows, windowKey, parseWindowSpec, formatWindowSpec, validateWindowFn } from "./assign.ts";
export { mergeSessions } from "./session.ts";
