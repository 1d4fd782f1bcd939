package dev.lockstep.flink;

import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code ls_fsum(x)}: lockstep's `sum` — the exact sum of the numeric values, correctly rounded
 * once, whatever the order of additions and merges; null, NaN and ±Infinity ignored; none gives
 * 0. Bit-identical to src/combine/builtin/sum.ts. A running sum beyond ±1.8e308 fails the job,
 * as it fails the run elsewhere.
 */
public class ExactSum extends AggregateFunction<Double, FsumAccumulator> {
  @Override
  public FsumAccumulator createAccumulator() {
    return new FsumAccumulator();
  }

  /** Adds one input value. */
  public void accumulate(FsumAccumulator acc, Double x) {
    Fsum.accumulate(acc, x);
  }

  /** Merges partial aggregates (two-phase aggregation, session windows). */
  public void merge(FsumAccumulator acc, Iterable<FsumAccumulator> others) {
    Fsum.merge(acc, others);
  }

  @Override
  public Double getValue(FsumAccumulator acc) {
    return Fsum.value(acc);
  }
}
