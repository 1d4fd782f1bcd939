package dev.lockstep.flink.js;

import org.apache.flink.table.functions.TableFunction;

/**
 * {@code LATERAL TABLE(ls_js_flat(bundle, sha256, fn, rowJson))}: runs {@code globalThis[fn]} of
 * the executor bundle on one row (JSON text); it returns an array, and each element becomes one
 * output row (a STRING column of JSON text): one-to-many executors.
 */
public class JsFlatMap extends TableFunction<String> {
  private transient JsBundle bundle;

  public void eval(String bundlePath, String sha256, String fn, String rowJson) {
    if (bundle == null || !bundle.is(bundlePath, sha256, fn)) {
      if (bundle != null) bundle.close();
      bundle = JsBundle.open(bundlePath, sha256, fn);
    }
    for (String out : bundle.callMany(rowJson)) collect(out);
  }

  @Override
  public boolean isDeterministic() {
    return false;
  }

  @Override
  public void close() {
    if (bundle != null) bundle.close();
    bundle = null;
  }
}
