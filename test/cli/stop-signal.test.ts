/**
 * A long-running command started through npx stops when SIGTERM or SIGINT
 * is sent to the npx process: npm forwards it to the `sh -c` it runs the
 * bin under, which dies without passing it on, so the command sees its
 * parent go (see src/cli/stop-signal.ts). Real processes, real signals.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repo, root, tempDir } from "./helpers.ts";

const dir = tempDir();
const fixture = repo("test/cli/fixtures/wait-for-stop.ts");
const started: number[] = [];

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const waitFor = async (what: string, ok: () => boolean, ms = 60_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Starts the fixture through `npx` (npm exec → sh -c → node, as `npx lockstep` runs); resolves once it waits. */
const throughNpx = async (out: string, ownGroup = false): Promise<{ npx: ChildProcess; pid: number }> => {
  const npx = spawn("npx", ["--no-install", "node", "--import", "tsx", fixture, out], { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: ownGroup });
  let text = "";
  npx.stdout!.on("data", (c: Buffer) => void (text += c.toString()));
  npx.stderr!.on("data", (c: Buffer) => void (text += c.toString()));
  await waitFor(`the command to start (output so far: ${text})`, () => /ready \d+/.test(text) || npx.exitCode !== null);
  const pid = Number(/ready (\d+)/.exec(text)?.[1]);
  expect(pid, text).toBeGreaterThan(0);
  started.push(pid);
  return { npx, pid };
};

afterEach(() => {
  for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL"); // only what this test started
});

describe("npx lockstep … --follow stops on a signal sent to npx", () => {
  it("SIGTERM to the npx process stops the command under it", async () => {
    const out = join(dir, "npx-term.txt");
    const { npx, pid } = await throughNpx(out);
    expect(npx.pid).not.toBe(pid); // npx is not the node process: the signal has to get through npm and its shell
    npx.kill("SIGTERM");
    await waitFor("the command to stop", () => existsSync(out) && !alive(pid));
    expect(readFileSync(out, "utf8")).toBe("stopped: launcher exited\n");
  });

  it("SIGINT to npx's process group (Ctrl-C in a terminal) stops it, and npx exits after it", async () => {
    const out = join(dir, "group-int.txt");
    const { npx, pid } = await throughNpx(out, true);
    process.kill(-npx.pid!, "SIGINT");
    await waitFor("the command and npx to stop", () => existsSync(out) && !alive(pid) && (npx.exitCode !== null || npx.signalCode !== null));
    expect(readFileSync(out, "utf8")).toBe("stopped: SIGINT\n");
  });

  it("SIGTERM to the node process itself stops it as before", async () => {
    const out = join(dir, "direct.txt");
    const { pid } = await throughNpx(out);
    process.kill(pid, "SIGTERM");
    await waitFor("the command to stop", () => existsSync(out) && !alive(pid));
    expect(readFileSync(out, "utf8")).toBe("stopped: SIGTERM\n");
  });
});
