/**
 * The layer order, checked (`npm run check:deps`, part of `npm test`). From the bottom:
 *
 *   1. core    src/{core,expr,schema,window,combine,plan,registry,engine,io,run,store} — the semantics, once
 *   2. dsl     dsl/                — the authoring API; knows no runner
 *   3. runners runners/<name>/     — direct, kafka, arquero, flink: IO, scheduling and state backends; never each other
 *   4. tools   src/parity, src/nexmark, src/serve, src/cli — above the runners (the CLI may use the tools, not back)
 *
 * A module may import from its own layer and the layers below it; no import cycles anywhere.
 * docs/ARCHITECTURE.md explains the layers.
 */
const CORE = "^src/(core|expr|schema|window|combine|plan|registry|engine|io|run|store)/";
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", comment: "an import cycle: split the shared part into its own module", from: {}, to: { circular: true } },
    { name: "core-is-the-bottom", severity: "error", comment: "the core must not depend on the DSL, a runner or a tool", from: { path: CORE }, to: { path: "^(dsl|runners|src/(cli|parity|serve|nexmark))/" } },
    { name: "dsl-knows-no-runner", severity: "error", comment: "the DSL builds values; it must not depend on runners or tools", from: { path: "^dsl/" }, to: { path: "^(runners|src/(cli|parity|serve|nexmark))/" } },
    { name: "runners-never-import-each-other", severity: "error", comment: "move the shared rule into src/", from: { path: "^runners/([^/]+)/" }, to: { path: "^runners/", pathNot: "^runners/$1/" } },
    { name: "runners-below-tools", severity: "error", comment: "runners must not depend on the CLI or the parity tools", from: { path: "^runners/" }, to: { path: "^src/(cli|parity|serve|nexmark)/" } },
    { name: "serve-below-cli", severity: "error", comment: "the server must not depend on the CLI", from: { path: "^src/serve/" }, to: { path: "^src/cli/" } },
    { name: "parity-below-cli", severity: "error", comment: "the parity tools must not depend on the CLI", from: { path: "^src/(parity|nexmark)/" }, to: { path: "^src/cli/" } },
    { name: "shipped-code-not-on-tests", severity: "error", from: { path: "^(src|dsl|runners)/" }, to: { path: "^(test|bench|examples)/" } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs"] },
  },
};
