// The golden for test/nexmark/java-random.test.ts, from the JDK itself. Regenerate with:
//   cd test/nexmark/golden && javac -d /tmp JavaRandomGolden.java && java -cp /tmp JavaRandomGolden > java-random.golden.txt
// Each line: seed, 6 × nextInt(), nextInt(bound) for each bound, 4 × nextDouble(), 200 × Beam's price
// (Math.round(Math.pow(10, nextDouble() * 6) * 100)).
import java.util.Random;

public class JavaRandomGolden {
  public static void main(String[] args) {
    long[] seeds = {0, 1, 7, 49, 50, 1000, 123456789L, 4294967296L, 281474976710655L, 9007199254740991L, -1, -123456789L};
    int[] bounds = {1, 2, 3, 4, 5, 6, 9, 10, 11, 13, 26, 100, 1010, 10000, 1073741825, 2147483647};
    StringBuilder sb = new StringBuilder();
    for (long s : seeds) {
      Random r = new Random(s);
      sb.append(s);
      for (int i = 0; i < 6; i++) sb.append(' ').append(r.nextInt());
      for (int b : bounds) sb.append(' ').append(r.nextInt(b));
      for (int i = 0; i < 4; i++) sb.append(' ').append(Double.toString(r.nextDouble()));
      for (int i = 0; i < 200; i++) sb.append(' ').append(Math.round(Math.pow(10.0, r.nextDouble() * 6.0) * 100.0));
      sb.append('\n');
    }
    for (long s = 0; s < 400; s++) {
      Random r = new Random(s * 7919);
      sb.append(s * 7919);
      for (int i = 0; i < 20; i++) sb.append(' ').append(Math.round(Math.pow(10.0, r.nextDouble() * 6.0) * 100.0));
      sb.append('\n');
    }
    System.out.print(sb);
  }
}
