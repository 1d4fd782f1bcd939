/**
 * lockstep's Java user-defined functions for Flink (runners/flink/java): built once with Maven
 * and cached, then registered in a session.
 *
 *   const jar = await buildUdfJar();
 *   for (const sql of udfRegistrationSql(jar)) await session.execute(sql);
 *
 * - `ls_fsum(x)` / `ls_fmean(x)`: lockstep's exactly rounded `sum` / `mean` (bit-identical to
 *   src/combine/fsum.ts; Flink's own SUM/AVG add in arrival order and round at every step).
 * - `ls_double_bits(x)`: a DOUBLE's IEEE-754 bits as 16 hex digits (tests compare doubles exactly).
 * - `ls_u16(s)`: a sort key ordering strings by UTF-16 code unit (lockstep's order; Flink's is by code point).
 * - `ls_utf8(bytes)`: a message's value as text when it is valid UTF-8, else NULL (a topic source's edge).
 * - `ls_ranked_array(rank, json)`: the JSON array of a group's texts in rank order (`sequence`).
 *
 * The jar is cached as <cache>/flink/udfs/lockstep-flink-udfs-<hash>.jar, the hash covering the
 * POM and every source file, so editing a source builds a new jar and an old one is never used.
 *
 * The executor functions (runners/flink/graaljs: `ls_js`, `ls_js_flat`) run JavaScript executor
 * bundles in GraalJS; their jar and the GraalJS jars (86 MB) are built and cached the same way, in
 * <cache>/flink/graaljs-<hash>/, by `buildJsUdfJars()`, and registered by `jsUdfRegistrationSql`.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDir } from "../../src/core/package-info.ts";
import { runCommand, tailLines } from "../jvm/maven-jars.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The Maven project (runners/flink/java; copied to dist/ by scripts/build.mjs for the package). */
export const UDF_PROJECT = join(HERE, "..", "..", "runners", "flink", "java");
/** The executor functions' Maven project (runners/flink/graaljs; shipped like UDF_PROJECT). */
export const JS_UDF_PROJECT = join(HERE, "..", "..", "runners", "flink", "graaljs");

/** The functions `udfRegistrationSql` registers: SQL name → Java class. */
export const UDF_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  ls_fsum: "dev.lockstep.flink.ExactSum",
  ls_fmean: "dev.lockstep.flink.ExactMean",
  ls_double_bits: "dev.lockstep.flink.DoubleBits",
  ls_u16: "dev.lockstep.flink.Utf16Key",
  ls_utf8: "dev.lockstep.flink.Utf8Text",
  ls_ranked_array: "dev.lockstep.flink.RankedArray",
});

/** Every file of the project that goes into the jar, sorted (the build folder `target/` left out). */
function projectFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== "target") walk(p);
      } else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** A short hash of the POM and sources: names and contents. */
export function udfSourceHash(dir = UDF_PROJECT): string {
  const h = createHash("sha256");
  for (const f of projectFiles(dir)) h.update(relative(dir, f)).update("\0").update(readFileSync(f)).update("\0");
  return h.digest("hex").slice(0, 16);
}

const building = new Map<string, Promise<string>>();

/** One build at a time per target in this process (concurrent processes are harmless: the result is renamed into place). */
function once(target: string, make: () => Promise<string>): Promise<string> {
  let p = building.get(target);
  if (!p) {
    p = make().finally(() => building.delete(target));
    building.set(target, p);
  }
  return p;
}

/** Runs `mvn -q package` (and more goals) on a project with its build folder at `out`. */
async function mvnPackage(project: string, out: string, extra: string[], what: string): Promise<void> {
  const args = ["-q", "-B", "-Dstyle.color=never", "-f", join(project, "pom.xml"), "package", ...extra, `-Dlockstep.build.dir=${out}`];
  const { code, output } = await runCommand("mvn", args, `to build ${what}`);
  if (code !== 0) throw new Error(`Building ${what} failed (mvn ${args.join(" ")} exited with ${code}):\n${tailLines(output, 40)}`);
}

/**
 * Builds the UDF jar with `mvn -q package` (in a temp folder: the project may be read-only)
 * unless a jar of the same sources is cached, and returns its path. Requires `mvn` and a JDK.
 */
export function buildUdfJar(): Promise<string> {
  const jar = join(cacheDir(), "flink", "udfs", `lockstep-flink-udfs-${udfSourceHash()}.jar`);
  if (existsSync(jar)) return Promise.resolve(jar);
  return once(jar, () => build(jar));
}

async function build(jar: string): Promise<string> {
  await mkdir(dirname(jar), { recursive: true });
  const out = await mkdtemp(join(tmpdir(), "lockstep-flink-udfs-"));
  try {
    await mvnPackage(UDF_PROJECT, out, [], "lockstep's Flink UDF jar");
    // Copied next to its final name, then renamed: a half-written jar is never taken for a built one.
    const partial = `${jar}.tmp-${process.pid}`;
    await copyFile(join(out, "lockstep-flink-udfs.jar"), partial);
    await rename(partial, jar);
    return jar;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** A SQL string literal. */
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The statements that make the UDFs usable in a session: `ADD JAR` (a path the gateway can read:
 * with a remote gateway, put the jar where it can see it) and one `CREATE TEMPORARY FUNCTION` each.
 */
export function udfRegistrationSql(jarPath: string): string[] {
  return [
    `ADD JAR ${literal(jarPath)}`,
    ...Object.entries(UDF_CLASSES).map(([name, cls]) => `CREATE TEMPORARY FUNCTION IF NOT EXISTS ${name} AS ${literal(cls)} LANGUAGE JAVA`),
  ];
}

/** The executor functions' jar, and the GraalJS runtime jars it needs on the TaskManagers' own classpath. */
export interface JsUdfJars {
  /** lockstep-flink-graaljs.jar: `ls_js`, `ls_js_flat` (added to a session by {@link jsUdfRegistrationSql}). */
  jar: string;
  /**
   * polyglot + js-community 23.1.11 and their dependencies (86 MB). They must be on the
   * TaskManagers' classpath (Flink's lib/, or `startLocalGateway({ extraJars })`), not added per
   * job: Truffle loads a native library that a second job's class loader cannot load again.
   */
  runtime: string[];
}

async function jsJars(dir: string): Promise<JsUdfJars> {
  const lib = join(dir, "lib");
  return { jar: join(dir, "lockstep-flink-graaljs.jar"), runtime: (await readdir(lib)).sort().map((f) => join(lib, f)) };
}

/**
 * Builds the executor functions' jar and fetches GraalJS (polyglot + js-community 23.1.11) next
 * to it, unless cached. Requires `mvn` and a JDK 17.
 */
export async function buildJsUdfJars(): Promise<JsUdfJars> {
  const dir = join(cacheDir(), "flink", `graaljs-${udfSourceHash(JS_UDF_PROJECT)}`);
  if (existsSync(join(dir, "lockstep-flink-graaljs.jar"))) return jsJars(dir);
  await once(dir, async () => {
    await mkdir(dirname(dir), { recursive: true });
    const out = await mkdtemp(join(dirname(dir), "graaljs.partial-"));
    try {
      await mvnPackage(
        JS_UDF_PROJECT,
        out,
        ["dependency:copy-dependencies", "-DincludeScope=runtime", "-DexcludeTypes=pom", `-DoutputDirectory=${join(out, "lib")}`],
        "lockstep's Flink executor functions",
      );
      for (const f of await readdir(out)) if (f !== "lib" && f !== "lockstep-flink-graaljs.jar") await rm(join(out, f), { recursive: true, force: true });
      if (!existsSync(dir)) await rename(out, dir);
      return dir;
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
  return jsJars(dir);
}

/** The executor functions `jsUdfRegistrationSql` registers: SQL name → Java class. */
export const JS_UDF_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  ls_js: "dev.lockstep.flink.js.JsMap",
  ls_js_flat: "dev.lockstep.flink.js.JsFlatMap",
});

/**
 * `ADD JAR` for the functions' jar (`buildJsUdfJars().jar`; the GraalJS runtime must already be on
 * the TaskManagers' classpath) and `CREATE TEMPORARY FUNCTION` for
 * `ls_js(bundle, sha256, fn, rowJson)` → JSON text or NULL, and
 * `ls_js_flat(bundle, sha256, fn, rowJson)` → rows of JSON text (`LATERAL TABLE`).
 */
export function jsUdfRegistrationSql(jar: string): string[] {
  return [
    `ADD JAR ${literal(jar)}`,
    ...Object.entries(JS_UDF_CLASSES).map(([name, cls]) => `CREATE TEMPORARY FUNCTION IF NOT EXISTS ${name} AS ${literal(cls)} LANGUAGE JAVA`),
  ];
}
