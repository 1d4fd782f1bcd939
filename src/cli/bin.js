#!/usr/bin/env node
// The `lockstep` command. Pipelines are TypeScript modules, so the CLI runs
// under tsx's loader; registering it here keeps `npx lockstep` a plain node bin.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
