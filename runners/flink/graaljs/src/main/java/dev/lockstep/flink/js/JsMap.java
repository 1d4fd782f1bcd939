package dev.lockstep.flink.js;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code ls_js(bundle, sha256, fn, rowJson)}: runs {@code globalThis[fn]} of the executor bundle
 * on one row (JSON text) and returns its result as JSON text, or NULL for nothing (a filter that
 * drops the row). The bundle is loaded, after its SHA-256 is checked, on the first call.
 */
public class JsMap extends ScalarFunction {
  private transient JsBundle bundle;

  public String eval(String bundlePath, String sha256, String fn, String rowJson) {
    if (bundle == null || !bundle.is(bundlePath, sha256, fn)) {
      if (bundle != null) bundle.close();
      bundle = JsBundle.open(bundlePath, sha256, fn);
    }
    return bundle.callOne(rowJson);
  }

  @Override
  public boolean isDeterministic() {
    // Executors are pure functions of their input (docs/semantics.md §5), but a filter's NULL
    // must not be folded away at planning time: never evaluated by the planner.
    return false;
  }

  @Override
  public void close() {
    if (bundle != null) bundle.close();
    bundle = null;
  }
}
