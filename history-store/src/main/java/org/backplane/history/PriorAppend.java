package org.backplane.history;

/**
 * What the store remembers of a producer's posting ({@code producerId}, {@code producerSeq}),
 * the basis of exactly-once publish (B3). See {@link HistoryStore#findAppended}.
 */
public sealed interface PriorAppend {
  /** Never appended (above the producer's highest, or a gap inside the remembered window). */
  record NotSeen() implements PriorAppend {
  }

  /** Appended as {@code seq} of {@code topic}. */
  record Appended(String topic, long seq) implements PriorAppend {
  }

  /**
   * At or below the producer's highest appended producerSeq but older than the remembered
   * window: it may have been appended; the store cannot say where.
   */
  record SeenButForgotten(long highestProducerSeq) implements PriorAppend {
  }

  /** The shared {@link NotSeen} value. */
  PriorAppend NOT_SEEN = new NotSeen();
}
