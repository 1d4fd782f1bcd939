/**
 * Progress of a run on a terminal: records read, their rate, and — when every
 * input is a file whose size is known — the share of bytes read and an ETA.
 * Drawn with cli-progress on stderr only when it is a TTY; on a pipe, a file
 * or in CI nothing is written.
 *
 * The shared reading code (`src/io/read.ts` through `src/run/inputs.ts`)
 * feeds it, so every runner gets the same bar; runners only create it, name
 * what they are doing (`stage`) and end it (`done`).
 *
 * @module
 */
import { statSync } from "node:fs";
import { createRequire } from "node:module";

/** Where the bar is drawn: a TTY stream such as `process.stderr`. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(s: string): unknown;
}

/** What reading one input reports. */
export interface InputMeter {
  /**
   * `records` more records were read; `position` is how far into the file
   * reading is now, in bytes (absent when the reader cannot tell).
   */
  read(records: number, position?: number): void;
}

/** The progress of one run. */
export interface RunProgress {
  /**
   * The meter of one input, by name (its file and size are known from the
   * run's inputs); undefined when nothing is drawn, so reading pays nothing.
   */
  input(name: string): InputMeter | undefined;
  /** What the run does now, e.g. a stage's name or "processing on Kafka". */
  stage(label: string): void;
  /**
   * Runs `write`, which writes whole lines to the bar's stream (a runner's
   * log line), with the bar taken off the screen and drawn again below them.
   */
  around<A>(write: () => A): A;
  /** The run ended: the bar is removed. */
  done(): void;
}

/** The figures shown, from what has been read so far. */
export interface ProgressFigures {
  readonly records: number;
  /** Records per second since the start. */
  readonly rate: number;
  /** 0–100, when the total size is known. */
  readonly percent?: number;
  /** Seconds left at the rate so far, when the total size is known and some of it is read. */
  readonly etaSeconds?: number;
}

/** An ETA is shown after this many seconds of reading, or once this share of the input is read. */
const ETA_AFTER_S = 1;
const ETA_AFTER_SHARE = 0.01;

/**
 * The figures of a run that read `records` records and `bytes` of
 * `totalBytes` (undefined: unknown) in `elapsedMs`.
 */
export const progressFigures = (records: number, bytes: number, totalBytes: number | undefined, elapsedMs: number): ProgressFigures => {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? records / seconds : 0;
  if (totalBytes === undefined) return { records, rate };
  const share = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 1;
  const percent = Math.floor(share * 100);
  // No ETA from the first, small reads (a table before the sources): wait for a second of reading or 1 %.
  if (bytes <= 0 || seconds <= 0 || (seconds < ETA_AFTER_S && share < ETA_AFTER_SHARE)) return { records, rate, percent };
  return { records, rate, percent, etaSeconds: Math.max(0, (seconds * (totalBytes - bytes)) / bytes) };
};

/** `h:mm:ss` or `m:ss`. */
export const formatEta = (seconds: number): string => {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
};

const count = (n: number): string => Math.round(n).toLocaleString("en-US");

/** Options of {@link runProgress}. */
export interface ProgressOptions {
  /** Draw at all (a run's `progress` option; default false: a library does not write to stderr unasked). */
  readonly enabled?: boolean;
  /** Where to draw (default process.stderr); nothing is drawn unless its `isTTY` is true. */
  readonly stream?: ProgressStream;
  /** Milliseconds clock (default performance.now). */
  readonly now?: () => number;
}

const SILENT: RunProgress = { input: () => undefined, stage: () => {}, around: (write) => write(), done: () => {} };

/** The part of cli-progress's terminal used here (lib/terminal.js: relative cursor moves, no saved positions). */
interface Terminal {
  cursorRelativeReset(): void;
  clearBottom(): void;
}

const REDRAW_MS = 100;

/** The size of a file input, or undefined (stdin, in-memory values, records, unreadable paths). */
const sizeOf = (input: unknown): number | undefined => {
  if (typeof input !== "string" || input === "-") return undefined;
  try {
    return statSync(input).size;
  } catch {
    return undefined; // the reader reports a missing file itself
  }
};

/**
 * Whether a bar would be drawn: the run asked for one and `stream` is a TTY.
 * Exported for tests and for runners that want to skip work when not.
 */
export const progressShown = (opts: ProgressOptions): boolean => opts.enabled === true && (opts.stream ?? process.stderr).isTTY === true;

/**
 * The progress of a `runner` run over `inputs` (by name, as the runner's
 * options give them). Silent unless {@link progressShown}.
 */
export const runProgress = (runner: string, inputs: Readonly<Record<string, unknown>>, opts: ProgressOptions = {}): RunProgress => {
  if (!progressShown(opts)) return SILENT;
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const sizes = Object.values(inputs).map(sizeOf);
  const total = sizes.length > 0 && sizes.every((s) => s !== undefined) ? sizes.reduce((a, b) => a! + b!, 0)! : undefined;

  // Loaded only when a bar is drawn: nothing to pay on a pipe or in a library call.
  const require = createRequire(import.meta.url);
  const cli = require("cli-progress") as typeof import("cli-progress");
  const Terminal = require("cli-progress/lib/terminal.js") as new (stream: ProgressStream) => Terminal;
  const format =
    total === undefined
      ? `lockstep[${runner}] {records} records · {rate}/s · {stage}`
      : `lockstep[${runner}] {bar} {percent}% · {records} records · {rate}/s · ETA {remaining} · {stage}`;
  // A MultiBar of one bar: it moves the cursor relatively (SingleBar saves and restores an absolute
  // position, which lands on the wrong line once log lines have scrolled the screen). Cursor and line
  // wrapping are left as they are, so a run killed mid-bar leaves the terminal as it was; a line
  // wider than the terminal is cut (linewrap: true), not wrapped. forceRedraw: after `around` erased
  // the bar it must be drawn again even if its text has not changed.
  const terminal = new Terminal(stream);
  const multi = new cli.MultiBar(
    {
      stream: stream as NodeJS.WritableStream,
      terminal,
      format,
      clearOnComplete: true,
      fps: 10,
      barsize: 20,
      hideCursor: false,
      linewrap: true,
      forceRedraw: true,
    } as import("cli-progress").Options,
    cli.Presets.shades_classic,
  );
  const started = now();
  // Rate and ETA are over the time spent reading: once input is read (windows firing, Kafka
  // processing) they stay as they were instead of decaying towards zero.
  let lastRead = started;
  let records = 0;
  let label = "reading";
  const positions = new Map<string, number>();
  const payload = () => {
    let bytes = 0;
    for (const p of positions.values()) bytes += p;
    const f = progressFigures(records, bytes, total, lastRead - started);
    return {
      bytes,
      payload: {
        records: count(f.records),
        rate: count(f.rate),
        percent: f.percent ?? 0,
        remaining: f.etaSeconds === undefined ? "–" : formatEta(f.etaSeconds),
        stage: label,
      },
    };
  };
  const bar = multi.create(total ?? 1, 0, payload().payload);
  let drawn = -Infinity;
  const update = (force = false) => {
    const { bytes, payload: p } = payload();
    bar.update(total === undefined ? 0 : bytes, p);
    // The MultiBar redraws on a timer; synchronous stretches (a columnar stage) get no timer, so draw here too.
    const t = performance.now();
    if (force || t - drawn >= REDRAW_MS) {
      drawn = t;
      multi.update();
    }
  };
  let ended = false;
  return {
    input: (name) => ({
      read: (n, position) => {
        records += n;
        lastRead = now();
        if (position !== undefined) positions.set(name, position);
        update();
      },
    }),
    stage: (s) => {
      label = s;
      update(true);
    },
    around: (write) => {
      if (ended) return write();
      terminal.cursorRelativeReset();
      terminal.clearBottom();
      try {
        return write();
      } finally {
        update(true);
      }
    },
    done: () => {
      if (ended) return;
      ended = true;
      update(true);
      multi.stop();
    },
  };
};
