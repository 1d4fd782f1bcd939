package dev.lockstep.flink.js;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * One executor bundle (a JavaScript file, e.g. TypeScript executors bundled by esbuild) loaded in
 * its own polyglot Context, and one function of it. The file is checked against the SHA-256 the
 * definition pins before any of it runs, so a job never runs other executor code than its
 * definition names.
 *
 * <p>Calling convention: the bundle sets {@code globalThis[name]} to a function taking one JSON
 * value (the row, parsed) and returning a JSON value, null/undefined (nothing), or a Promise of
 * one (resolved within the call: pure async code only — GraalJS has no timers or IO here).
 *
 * <p>A Context is single-threaded and a Flink function instance serves one task thread, so each
 * instance owns one; the Engine (code caches) is shared by all of them in the JVM.
 */
final class JsBundle implements AutoCloseable {
  private static Engine engine;

  private static synchronized Engine engine() {
    if (engine == null) {
      // A stock JDK has no Graal JIT for Truffle: the interpreter is used, without its warning.
      engine = Engine.newBuilder("js").option("engine.WarnInterpreterOnly", "false").build();
    }
    return engine;
  }

  final String path;
  final String sha256;
  final String name;
  private final Context context;
  private final Value fn;
  private final Value parse;
  private final Value stringify;

  private JsBundle(String path, String sha256, String name, Context context, Value fn) {
    this.path = path;
    this.sha256 = sha256;
    this.name = name;
    this.context = context;
    this.fn = fn;
    Value json = context.getBindings("js").getMember("JSON");
    this.parse = json.getMember("parse");
    this.stringify = json.getMember("stringify");
  }

  /** Whether this is the bundle and function a call names (its arguments are constants of the query). */
  boolean is(String path, String sha256, String name) {
    return this.path.equals(path) && this.sha256.equalsIgnoreCase(sha256) && this.name.equals(name);
  }

  static JsBundle open(String path, String sha256, String name) {
    if (path == null || sha256 == null || name == null) {
      throw new IllegalArgumentException("an executor function needs a bundle path, its SHA-256 and a function name, got null");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(path));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the executor bundle " + path + " on this TaskManager: " + e, e);
    }
    String actual = sha256Hex(bytes);
    if (!actual.equalsIgnoreCase(sha256)) {
      throw new IllegalStateException(
          "the executor bundle " + path + " has SHA-256 " + actual + " but the definition pins " + sha256
              + ": refusing to run executor code other than the definition names (rebuild the bundle, or fix the pin)");
    }
    Context context = Context.newBuilder("js").engine(engine()).allowHostAccess(HostAccess.ALL).build();
    try {
      context.eval(Source.newBuilder("js", new String(bytes, StandardCharsets.UTF_8), path).buildLiteral());
      Value fn = context.getBindings("js").getMember(name);
      if (fn == null || !fn.canExecute()) {
        throw new IllegalArgumentException("the executor bundle " + path + " defines no function globalThis." + name);
      }
      return new JsBundle(path, sha256, name, context, fn);
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
  }

  /** Calls the function on one row given as JSON text; returns its result as JSON text, or null for nothing. */
  String callOne(String inputJson) {
    Value r = call(inputJson);
    return r.isNull() ? null : stringify.execute(r).asString();
  }

  /** Calls the function on one row; its result must be an array (or nothing): each element as JSON text. */
  List<String> callMany(String inputJson) {
    Value r = call(inputJson);
    List<String> out = new ArrayList<>();
    if (r.isNull()) return out;
    if (!r.hasArrayElements()) {
      throw new IllegalStateException("executor " + name + " must return an array of rows, got " + r + " (input: " + abbreviate(inputJson) + ")");
    }
    for (long i = 0; i < r.getArraySize(); i++) {
      Value e = r.getArrayElement(i);
      if (!e.isNull()) out.add(stringify.execute(e).asString());
    }
    return out;
  }

  private Value call(String inputJson) {
    try {
      Value input = inputJson == null ? context.asValue(null) : parse.execute(inputJson);
      Value r = fn.execute(input);
      return settle(r, inputJson);
    } catch (PolyglotException e) {
      throw new RuntimeException("executor " + name + " threw: " + e.getMessage() + " (input: " + abbreviate(inputJson) + ")", e);
    }
  }

  /** A Promise's value: GraalJS runs the pending promise jobs when the host call that made them returns. */
  private Value settle(Value r, String inputJson) {
    if (r == null || r.isNull() || !r.hasMember("then") || !r.getMember("then").canExecute()) return r;
    final Value[] value = new Value[1];
    final Value[] error = new Value[1];
    r.invokeMember("then", (ProxyExecutable) args -> {
      value[0] = args.length > 0 ? args[0] : context.asValue(null);
      return null;
    }, (ProxyExecutable) args -> {
      error[0] = args.length > 0 ? args[0] : context.asValue(null);
      return null;
    });
    if (error[0] != null) {
      throw new RuntimeException("executor " + name + " rejected: " + error[0] + " (input: " + abbreviate(inputJson) + ")");
    }
    if (value[0] == null) {
      throw new IllegalStateException("executor " + name + " returned a promise that did not settle within the call: "
          + "only pure async code runs here (no timers, no IO) (input: " + abbreviate(inputJson) + ")");
    }
    return value[0];
  }

  static String abbreviate(String s) {
    if (s == null) return "null";
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }

  static String sha256Hex(byte[] bytes) {
    try {
      StringBuilder sb = new StringBuilder(64);
      for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) sb.append(String.format("%02x", b));
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    context.close();
  }
}
