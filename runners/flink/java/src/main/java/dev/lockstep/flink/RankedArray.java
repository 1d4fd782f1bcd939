package dev.lockstep.flink;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code ls_ranked_array(rank, json)}: the JSON array of the group's JSON texts in order of
 * {@code rank} (a ROW_NUMBER the query computed by the contract's order). Flink's ARRAY_AGG and
 * JSON_ARRAYAGG keep whatever order the rows reach them in, which a batch job does not fix; this
 * one's result is a function of the set of pairs. Ranks are distinct within a group (ROW_NUMBER).
 * Rows with a NULL rank or text are skipped.
 */
public class RankedArray extends AggregateFunction<String, RankedArrayAccumulator> {
  @Override
  public RankedArrayAccumulator createAccumulator() {
    return new RankedArrayAccumulator();
  }

  /** Adds one item at its rank. */
  public void accumulate(RankedArrayAccumulator acc, Long rank, String json) {
    if (rank == null || json == null) return;
    acc.ranks.add(rank);
    acc.items.add(json);
  }

  /** Merges partial aggregates (two-phase aggregation). */
  public void merge(RankedArrayAccumulator acc, Iterable<RankedArrayAccumulator> others) {
    for (RankedArrayAccumulator o : others) {
      acc.ranks.addAll(o.ranks);
      acc.items.addAll(o.items);
    }
  }

  @Override
  public String getValue(RankedArrayAccumulator acc) {
    List<Integer> order = new ArrayList<>(acc.ranks.size());
    for (int i = 0; i < acc.ranks.size(); i++) order.add(i);
    order.sort((a, b) -> Long.compare(acc.ranks.get(a), acc.ranks.get(b)));
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < order.size(); i++) {
      if (i > 0) sb.append(',');
      sb.append(acc.items.get(order.get(i)));
    }
    return sb.append(']').toString();
  }
}
