package dev.lockstep.flink;

import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code ls_fmean(x)}: lockstep's `mean` — the exactly rounded sum of the numeric values divided
 * by their count; null, NaN and ±Infinity ignored; none gives NULL. Bit-identical to
 * src/combine/builtin/mean.ts.
 */
public class ExactMean extends AggregateFunction<Double, FsumAccumulator> {
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
    // A long count below 2^53 converts exactly, as the JavaScript number count does.
    return acc.count == 0 ? null : Fsum.value(acc) / (double) acc.count;
  }
}
