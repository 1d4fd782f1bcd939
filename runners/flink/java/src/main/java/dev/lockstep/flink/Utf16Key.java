package dev.lockstep.flink;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code ls_u16(s)}: a sort key of a string whose order (Flink compares strings by their UTF-8
 * bytes, i.e. by code point) is the string's order by UTF-16 code unit — lockstep's string order
 * (docs/semantics.md §1; {@code compareStrings} in src/core/canonical.ts) and Java's own
 * {@link String#compareTo}. Each code unit becomes 4 hex digits, so a prefix still sorts first.
 * The two orders differ only between astral characters and U+E000–U+FFFF, but a tie-break that
 * is right only usually is wrong. NULL for NULL.
 */
public class Utf16Key extends ScalarFunction {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  public String eval(String s) {
    if (s == null) return null;
    char[] out = new char[s.length() * 4];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out[4 * i] = HEX[(c >> 12) & 0xf];
      out[4 * i + 1] = HEX[(c >> 8) & 0xf];
      out[4 * i + 2] = HEX[(c >> 4) & 0xf];
      out[4 * i + 3] = HEX[c & 0xf];
    }
    return new String(out);
  }
}
