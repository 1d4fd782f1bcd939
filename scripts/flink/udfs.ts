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
 *
 * The jar is cached as <cache>/flink/udfs/lockstep-flink-udfs-<hash>.jar, the hash covering the
 * POM and every source file, so editing a source builds a new jar and an old one is never used.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDir } from "../../src/core/package-info.ts";
import { runCommand, tailLines } from "../jvm/maven-jars.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The Maven project (runners/flink/java; copied to dist/ by scripts/build.mjs for the package). */
export const UDF_PROJECT = join(HERE, "..", "..", "runners", "flink", "java");

/** The functions `udfRegistrationSql` registers: SQL name → Java class. */
export const UDF_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  ls_fsum: "dev.lockstep.flink.ExactSum",
  ls_fmean: "dev.lockstep.flink.ExactMean",
  ls_double_bits: "dev.lockstep.flink.DoubleBits",
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

let building: Promise<string> | undefined;

/**
 * Builds the UDF jar with `mvn -q package` (in a temp folder: the project may be read-only)
 * unless a jar of the same sources is cached, and returns its path. Requires `mvn` and a JDK.
 */
export function buildUdfJar(): Promise<string> {
  const jar = join(cacheDir(), "flink", "udfs", `lockstep-flink-udfs-${udfSourceHash()}.jar`);
  if (existsSync(jar)) return Promise.resolve(jar);
  building ??= build(jar).finally(() => (building = undefined));
  return building;
}

async function build(jar: string): Promise<string> {
  await mkdir(dirname(jar), { recursive: true });
  const out = await mkdtemp(join(tmpdir(), "lockstep-flink-udfs-"));
  try {
    const args = ["-q", "-B", "-Dstyle.color=never", "-f", join(UDF_PROJECT, "pom.xml"), "package", `-Dlockstep.build.dir=${out}`];
    const { code, output } = await runCommand("mvn", args, "to build lockstep's Flink UDF jar");
    if (code !== 0) throw new Error(`Building the Flink UDF jar failed (mvn ${args.join(" ")} exited with ${code}):\n${tailLines(output, 40)}`);
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
