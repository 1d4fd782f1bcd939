package dev.lockstep.flink;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code ls_utf8(bytes)}: a Kafka message's value as text when its bytes are valid UTF-8 (overlong
 * forms, surrogates and code points past U+10FFFF are not, as for Node's {@code isUtf8}), else
 * NULL — so the edge in GraalJS (runners/flink/js/functions.ts, {@code ls_edge}) gets the text
 * decoded here, fast, and only a message that is not UTF-8 as its bytes (base64), which it judges
 * by the one rule (src/io/jsonl.ts). NULL for NULL (a message without a value).
 */
public class Utf8Text extends ScalarFunction {
  public String eval(byte[] bytes) {
    if (bytes == null) return null;
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
