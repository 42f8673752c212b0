package org.backplane.history;

import java.util.Map;
import java.util.TreeMap;

/**
 * How many retained entries each log file (Chronicle cycle) holds, split into entries of
 * compacted topics and the rest (README "Reclaiming disk space"). A file whose count drops to
 * zero is deleted; a file holding only entries of compacted topics is emptied by relocating
 * those topics to the head of the log. Writer thread only.
 */
final class CycleLedger {
  /** Per cycle: [0] retained entries, [1] of which in compacted topics. */
  private final TreeMap<Integer, long[]> counts = new TreeMap<>();
  private int cachedCycle = Integer.MIN_VALUE;
  private long[] cached;

  private long[] slot(int cycle) {
    if (cycle == cachedCycle) {
      return cached;
    }
    long[] c = counts.computeIfAbsent(cycle, k -> new long[2]);
    cachedCycle = cycle;
    cached = c;
    return c;
  }

  void added(int cycle, boolean compacted) {
    long[] c = slot(cycle);
    c[0]++;
    if (compacted) {
      c[1]++;
    }
  }

  void removed(int cycle, boolean compacted) {
    long[] c = slot(cycle);
    c[0]--;
    if (compacted) {
      c[1]--;
    }
  }

  /** Makes sure a cycle with no retained entry is known, so that its file gets deleted. */
  void touch(int cycle) {
    slot(cycle);
  }

  void forget(int cycle) {
    counts.remove(cycle);
    if (cycle == cachedCycle) {
      cachedCycle = Integer.MIN_VALUE;
      cached = null;
    }
  }

  void clear() {
    counts.clear();
    cachedCycle = Integer.MIN_VALUE;
    cached = null;
  }

  Map<Integer, long[]> view() {
    return counts;
  }
}
