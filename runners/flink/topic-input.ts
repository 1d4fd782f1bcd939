/**
 * A source or table the Flink job reads from a Kafka topic itself, bounded: from the earliest
 * offset to the end offsets when the job starts, committed records only (read_committed). Flink's
 * Kafka connector reads it, so a backfill from a topic is spread over the job's parallelism; the
 * edge rule runs inside Flink too (`ls_edge`, in GraalJS). `lockstep run --runner flink --in
 * events=kafka://HOST:PORT[,HOST:PORT…]/TOPIC`, or `topics` in `runFlink`'s options.
 *
 * @module
 */

/** Where a source's records are: the topic and the bootstrap servers (as the Flink job reaches them). */
export interface TopicInput {
  readonly topic: string;
  readonly brokers: readonly string[];
  /**
   * Kafka consumer properties for the job's reader (e.g. `security.protocol`, `sasl.mechanism`),
   * passed as the connector's `properties.<name>`. The isolation level is always read_committed.
   */
  readonly properties?: Readonly<Record<string, string>>;
}

const URL_FORM = /^kafka:\/\/([^/?]+)\/([^?]+)(?:\?(.*))?$/;

/**
 * The topic input `kafka://HOST:PORT[,HOST:PORT…]/TOPIC[?name=value&…]` names (the query: Kafka
 * consumer properties, URL-encoded), or undefined when `text` is not of that form.
 */
export const topicInputOf = (text: string): TopicInput | undefined => {
  const m = URL_FORM.exec(text);
  if (m === null) return undefined;
  const properties = Object.fromEntries(new URLSearchParams(m[3] ?? ""));
  return {
    brokers: m[1]!.split(","),
    topic: decodeURIComponent(m[2]!),
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
  };
};
