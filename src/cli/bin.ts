#!/usr/bin/env node
// The `lockstep` command. Kept tiny: `--version` answers without loading the
// CLI, and every command loads only the modules it uses (see main.ts), so a
// start costs what the command needs. A user's own `.ts` pipeline is
// compiled on its own by esbuild when it is loaded (import-module.ts);
// lockstep's own code is plain JavaScript.
import { packageVersion } from "../core/package-info.ts";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(packageVersion() + "\n");
} else {
  const { main } = await import("./main.ts");
  process.exitCode = await main(argv);
}
