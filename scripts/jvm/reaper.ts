/**
 * Child JVMs (a Kafka broker, a Flink cluster) must not outlive the Node process that started
 * them: each is registered here and SIGKILLed, with its temp folders removed, when Node exits or
 * dies of SIGINT/SIGTERM/SIGHUP (not when it is SIGKILLed itself).
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

interface Entry {
  readonly children: readonly ChildProcess[];
  readonly tempDirs: readonly string[];
}

const live = new Set<Entry>();
let hooksInstalled = false;

function killAllSync(): void {
  for (const entry of live) {
    for (const child of entry.children) {
      try {
        child.kill("SIGKILL");
      } catch {}
    }
    for (const dir of entry.tempDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {}
    }
  }
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAllSync);
  // A signal with no other listener would end Node without running "exit" handlers: kill the
  // children and then end the process the way the default handler would. If someone else
  // listens to the signal they decide what happens (and "exit" still cleans up).
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const handler = () => {
      if (process.listenerCount(sig) > 1) return;
      killAllSync();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/** Registers `children` (and the folders to remove with them); the returned function unregisters them after a clean stop. */
export function reapOnExit(children: readonly ChildProcess[], tempDirs: readonly string[]): () => void {
  installHooks();
  const entry: Entry = { children, tempDirs };
  live.add(entry);
  return () => void live.delete(entry);
}
