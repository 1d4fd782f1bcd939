package dev.lockstep.flink;

import java.util.ArrayList;
import java.util.List;

/**
 * The accumulator of {@link RankedArray}: the (rank, JSON text) pairs added so far. Public
 * mutable fields and a no-argument constructor, so Flink maps it to a structured type.
 */
public class RankedArrayAccumulator {
  public List<Long> ranks = new ArrayList<>();
  public List<String> items = new ArrayList<>();

  public RankedArrayAccumulator() {}
}
