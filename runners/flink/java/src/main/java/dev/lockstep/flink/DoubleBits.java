package dev.lockstep.flink;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code ls_double_bits(x)}: the IEEE-754 bits of a DOUBLE as 16 lower-case hex digits (NULL for
 * NULL), so a test can compare doubles across Flink and Node bit for bit without trusting any
 * decimal printing. (A BIGINT would lose precision in JavaScript's JSON.parse.)
 */
public class DoubleBits extends ScalarFunction {
  public String eval(Double x) {
    return x == null ? null : String.format("%016x", Double.doubleToRawLongBits(x));
  }
}
