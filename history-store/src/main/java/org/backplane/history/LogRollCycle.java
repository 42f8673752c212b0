package org.backplane.history;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.rollcycles.RollCycleArithmetic;

/**
 * A Chronicle roll cycle with the file names and length of one of Chronicle's own, but a
 * denser index (README "Chronicle tuning"). Chronicle's current cycles index every 256th
 * excerpt, so positioning a tailer on an arbitrary excerpt ({@code moveToIndex}, which
 * one-topic cursors and selective pattern cursors do for every entry that is not adjacent to
 * the previous one) scans up to 255 excerpt headers: about 2 us per jump here. Every 4th
 * excerpt indexed: about 0.1 us, for 2 bytes of index per excerpt on disk and one index write
 * per 4 appends (measured with 100-byte entries, README "Performance"). The index count is
 * raised to keep the same capacity per file (2^32 excerpts) and the same index encoding ({@code cycle << 32 | excerpt number}), so stores written with the
 * Chronicle cycle of the same name open unchanged: each file records its own index spacing.
 */
final class LogRollCycle implements RollCycle {
  static final int INDEX_SPACING = 4;

  private final String format;
  private final int lengthInMillis;
  private final RollCycleArithmetic arithmetic;
  private final int indexCount;

  /** A cycle named like Chronicle's {@code like}, indexing every {@link #INDEX_SPACING}th excerpt. */
  LogRollCycle(RollCycle like) {
    this.format = like.format();
    this.lengthInMillis = like.lengthInMillis();
    // indexCount^2 * spacing excerpts per file: keep Chronicle's capacity with the denser spacing
    int count = like.defaultIndexCount();
    long capacity = Math.min((long) count * count * like.defaultIndexSpacing(), like.maxMessagesPerCycle());
    while ((long) count * count * INDEX_SPACING < capacity && count < RollCycle.MAX_INDEX_COUNT) {
      count *= 2;
    }
    this.indexCount = count;
    this.arithmetic = RollCycleArithmetic.of(count, INDEX_SPACING);
    if (arithmetic.toIndex(1, 0) != like.toIndex(1, 0)) {
      throw new IllegalStateException("index encoding of " + like + " changes with a denser index");
    }
  }

  @Override
  public String format() {
    return format;
  }

  @Override
  public int lengthInMillis() {
    return lengthInMillis;
  }

  @Override
  public int defaultIndexCount() {
    return indexCount;
  }

  @Override
  public int defaultIndexSpacing() {
    return INDEX_SPACING;
  }

  @Override
  public long toIndex(int cycle, long sequenceNumber) {
    return arithmetic.toIndex(cycle, sequenceNumber);
  }

  @Override
  public long toSequenceNumber(long index) {
    return arithmetic.toSequenceNumber(index);
  }

  @Override
  public int toCycle(long index) {
    return arithmetic.toCycle(index);
  }

  @Override
  public long maxMessagesPerCycle() {
    return arithmetic.maxMessagesPerCycle();
  }

  @Override
  public String toString() {
    return "LogRollCycle[" + format + ", " + lengthInMillis + " ms, index " + indexCount + " x every "
        + INDEX_SPACING + "]";
  }
}
