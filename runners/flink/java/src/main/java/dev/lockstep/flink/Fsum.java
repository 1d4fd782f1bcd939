package dev.lockstep.flink;

import java.util.Arrays;

/**
 * Exact floating-point summation, a line-for-line port of src/combine/fsum.ts (Shewchuk's
 * algorithm, as Python's math.fsum) and of the numeric-input rule of
 * src/combine/builtin/numeric.ts. The other runners compute `sum` and `mean` with that code;
 * this one must give the same double bit for bit, so every branch below mirrors one there.
 * Java's double arithmetic is IEEE-754 binary64 with round-to-nearest-even (strict since Java
 * 17, and on every JVM Flink runs on in practice), as JavaScript's is.
 */
final class Fsum {
  private Fsum() {}

  /**
   * The value the numeric aggregates use, or null: null and non-finite numbers (NaN, ±Infinity)
   * are ignored, not counted, and -0 reads as 0 (numericInput in numeric.ts).
   */
  static Double numericInput(Double x) {
    if (x == null || !Double.isFinite(x)) return null;
    return x == 0.0 ? 0.0 : x;
  }

  /**
   * Adds finite {@code x} to the partials exactly (fsumAdd).
   *
   * @throws ArithmeticException when the exact running sum exceeds ±Double.MAX_VALUE
   */
  static void add(FsumAccumulator acc, double x) {
    double[] p = acc.partials;
    int n = acc.size;
    int i = 0;
    for (int j = 0; j < n; j++) {
      double y = p[j];
      if (Math.abs(x) < Math.abs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      if (!Double.isFinite(hi)) throw overflow();
      // Two-sum with |x| >= |y|: lo is exactly the rounding error of hi.
      double lo = y - (hi - x);
      if (lo != 0.0) p[i++] = lo;
      x = hi;
    }
    // Zero partials carry nothing (-0.0 != 0.0 is false, as -0 !== 0 is in JavaScript).
    if (x != 0.0) {
      if (i == p.length) p = acc.partials = Arrays.copyOf(p, p.length * 2);
      p[i++] = x;
    }
    acc.size = i;
  }

  static ArithmeticException overflow() {
    return new ArithmeticException(
        "fsum: the running sum exceeded ±Number.MAX_VALUE (about 1.8e308). Fix: scale the values down before summing");
  }

  /** The exact sum of the partials rounded once to the nearest double, ties to even; -0 as 0; none gives 0 (fsumValue). */
  static double value(FsumAccumulator acc) {
    double[] partials = acc.partials;
    int n = acc.size;
    if (n == 0) return 0.0;
    double hi = partials[--n];
    double lo = 0.0;
    // Add from the largest partial down until the sum stops being exact.
    while (n > 0) {
      double x = hi;
      double y = partials[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo != 0.0) break;
    }
    // hi + lo rounded to even may be wrong when the remaining partials push the exact value off
    // the halfway point in the same direction as lo: re-round.
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      double y = lo * 2;
      double x = hi + y;
      if (y == x - hi) hi = x;
    }
    return hi == 0.0 ? 0.0 : hi;
  }

  /** Adds one numeric input (ignored when it is not one). */
  static void accumulate(FsumAccumulator acc, Double input) {
    Double x = numericInput(input);
    if (x == null) return;
    add(acc, x);
    acc.count += 1;
  }

  /** Adds every partial of {@code other} to {@code acc} (the combiners' merge). */
  static void merge(FsumAccumulator acc, Iterable<FsumAccumulator> others) {
    for (FsumAccumulator other : others) {
      for (int k = 0; k < other.size; k++) add(acc, other.partials[k]);
      acc.count += other.count;
    }
  }
}
