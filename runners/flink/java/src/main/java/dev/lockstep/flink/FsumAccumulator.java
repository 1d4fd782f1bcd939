package dev.lockstep.flink;

/**
 * The accumulator of {@link ExactSum} and {@link ExactMean}: the running sum held exactly as
 * Shewchuk "partials" (non-zero, non-overlapping doubles increasing in magnitude, their exact sum
 * the exact sum of every value added), and how many values were added. Public mutable fields and
 * a no-argument constructor, so Flink maps it to a structured type and serializes it.
 */
public class FsumAccumulator {
  /** The partials in use are {@code partials[0 .. size)}. */
  public double[] partials = new double[4];

  /** How many of {@link #partials} are in use. */
  public int size = 0;

  /** How many numeric values were added (the divisor of the mean). */
  public long count = 0;

  public FsumAccumulator() {}
}
