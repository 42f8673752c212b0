package org.backplane.history;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Where a cursor starts, applied per topic. A seq below a topic's first retained seq starts at
 * the first retained one. Topics created after the cursor opened are read from their first
 * entry (subject to {@link AtSeq} and {@link AtTime}).
 */
public sealed interface StartPosition {
  /** From the first retained entry of each topic. */
  record Beginning() implements StartPosition {
  }

  /** From seq {@code seq} of each topic (the first retained one if lower). */
  record AtSeq(long seq) implements StartPosition {
  }

  /** From the first entry of each topic whose timestamp is {@code >= time}. */
  record AtTime(Instant time) implements StartPosition {
    public AtTime {
      Objects.requireNonNull(time, "time");
    }
  }

  /** The last {@code n} retained entries of each topic, then what follows. */
  record LastN(long n) implements StartPosition {
    public LastN {
      if (n < 0) {
        throw new IllegalArgumentException("LastN needs n >= 0, got " + n);
      }
    }
  }

  /** Only entries appended after the cursor opens. */
  record End() implements StartPosition {
  }

  /**
   * Per topic the next seq from {@code nextSeqByTopic}; {@code otherwise} for topics not in
   * it (a client resuming a pattern subscription after reconnect).
   */
  record Resume(Map<String, Long> nextSeqByTopic, StartPosition otherwise) implements StartPosition {
    public Resume {
      nextSeqByTopic = Map.copyOf(nextSeqByTopic);
      Objects.requireNonNull(otherwise, "otherwise");
    }
  }

  /** From the first retained entry. */
  StartPosition BEGINNING = new Beginning();
  /** Only what is appended after opening. */
  StartPosition END = new End();

  /** Shorthand for {@code new AtSeq(seq)}. */
  static StartPosition atSeq(long seq) {
    return new AtSeq(seq);
  }

  /** Shorthand for {@code new AtTime(time)}. */
  static StartPosition atTime(Instant time) {
    return new AtTime(time);
  }

  /** Shorthand for {@code new LastN(n)}. */
  static StartPosition lastN(long n) {
    return new LastN(n);
  }
}
