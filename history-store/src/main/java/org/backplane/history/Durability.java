package org.backplane.history;

import java.time.Duration;
import java.util.Objects;

/**
 * How durable {@link HistoryStore#commit()} makes the entries appended before it.
 *
 * <p>Every policy survives a crash of the process ({@code kill -9}): appends are written into
 * memory-mapped files, so they are in the OS page cache before {@code append} returns. The
 * policies differ in what survives a crash of the machine (power loss, kernel panic):
 * <ul>
 *   <li>{@link Os} (the default, like Kafka's): the kernel writes dirty pages back on its own
 *       schedule (typically within 30 s); a machine crash loses what was not yet written.
 *       Replication across servers (ack level {@code stable}) is what protects acked postings.
 *   <li>{@link Interval}: in addition, the writer forces the log to disk at least every
 *       {@code period} (checked in {@code commit} and {@code maintain}); a machine crash loses
 *       at most about one period.
 *   <li>{@link EveryCommit}: {@code commit} forces everything appended so far to disk before
 *       it returns ("fsync per write" as group commit): nothing acknowledged is lost.
 * </ul>
 */
public sealed interface Durability {
  /** Page cache only; survives process crashes, not machine crashes. */
  record Os() implements Durability {
  }

  /** Force to disk at least every {@code period}. */
  record Interval(Duration period) implements Durability {
    public Interval {
      Objects.requireNonNull(period, "period");
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("durability interval must be positive, got " + period);
      }
    }
  }

  /** Force to disk in every {@code commit()}. */
  record EveryCommit() implements Durability {
  }

  /** The default: page cache only. */
  static Durability os() {
    return new Os();
  }

  /** Force to disk at least every {@code period}. */
  static Durability interval(Duration period) {
    return new Interval(period);
  }

  /** Force to disk in every commit. */
  static Durability everyCommit() {
    return new EveryCommit();
  }
}
