package org.backplane.history;

import java.time.Duration;

/**
 * What a topic's history keeps (B6). Limits combine: an entry is kept only while every limit
 * keeps it. 0 (or {@code null} for {@code maxAge}) means unlimited.
 *
 * <p>With {@code compactByKey}, the latest entry of every key is kept whatever the limits say,
 * and only the entries without a key are subject to {@code maxCount}, {@code maxAge} and
 * {@code maxBytes} (counted over the keyless entries alone).
 *
 * @param maxCount     keep at most this many entries (0 = unlimited)
 * @param maxAge       drop entries whose timestamp is older than this, relative to the time
 *                     the writer passes to {@link HistoryStore#maintain} (null = unlimited)
 * @param maxBytes     keep at most this many stored bytes (0 = unlimited); an entry larger
 *                     than the limit is still kept while it is the latest
 * @param compactByKey keep only the latest entry per key
 */
public record RetentionPolicy(long maxCount, Duration maxAge, long maxBytes, boolean compactByKey) {
  /** Keep everything. */
  public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, null, 0, false);

  /** Validates the limits. */
  public RetentionPolicy {
    if (maxCount < 0) {
      throw new IllegalArgumentException("maxCount must be >= 0, got " + maxCount);
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
    }
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      throw new IllegalArgumentException("maxAge must be positive or null, got " + maxAge);
    }
  }

  /** Keep the last {@code n} entries. */
  public static RetentionPolicy lastCount(long n) {
    return new RetentionPolicy(n, null, 0, false);
  }

  /** Keep entries younger than {@code age}. */
  public static RetentionPolicy maxAge(Duration age) {
    return new RetentionPolicy(0, age, 0, false);
  }

  /** Keep at most {@code bytes} stored bytes. */
  public static RetentionPolicy maxBytes(long bytes) {
    return new RetentionPolicy(0, null, bytes, false);
  }

  /** Keep the latest entry per key (and every keyless entry). */
  public static RetentionPolicy compacted() {
    return new RetentionPolicy(0, null, 0, true);
  }

  /** True when some limit or compaction applies. */
  public boolean limits() {
    return maxCount > 0 || maxAge != null || maxBytes > 0 || compactByKey;
  }
}
