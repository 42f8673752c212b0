package org.backplane.history;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The append and poll paths create no per-entry objects: measured with the JVM's per-thread
 * allocation counter. Appends may allocate only index growth (8 bytes per entry, in 4096-slot
 * segments); polls nothing per entry.
 */
@Timeout(60)
class AllocationTest {
  @TempDir
  Path dir;

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  @Test
  void appendAndPollDoNotAllocatePerEntry() throws Exception {
    int n = 200_000;
    try (HistoryStore store = HistoryStore.open(HistoryConfig.builder(dir).build())) {
      TopicLog[] topics = {store.topic("/a"), store.topic("/b"), store.topic("/c")};
      ByteBuffer payload = ByteBuffer.allocateDirect(100);
      HistoryCursor filter = store.openCursor(name -> true, StartPosition.BEGINNING);
      HistoryCursor one = store.openCursor("/b", StartPosition.BEGINNING);
      long[] sum = {0};
      EntryHandler handler = e -> sum[0] += e.seq() + e.payloadLength() + e.topic().length();
      for (int round = 0; round < 2; round++) { // round 0 warms up the JIT
        long a0 = allocated();
        for (int i = 0; i < n; i++) {
          store.append(topics[i % 3], (long) round * n + i, 1 + (i & 7), i, null, null, payload);
        }
        store.commit();
        long a1 = allocated();
        int read = 0;
        int r;
        while ((r = filter.poll(handler, 1024)) > 0) {
          read += r;
        }
        while ((r = one.poll(handler, 1024)) > 0) {
          read += r;
        }
        long a2 = allocated();
        double appendBytes = (a1 - a0) / (double) n;
        double pollBytes = (a2 - a1) / (double) read;
        System.out.printf("round %d: append %.2f B/entry, poll %.3f B/entry%n", round, appendBytes, pollBytes);
        if (round == 1) {
          assertTrue(appendBytes < 12, "append allocates " + appendBytes + " bytes per entry");
          assertTrue(pollBytes < 0.5, "poll allocates " + pollBytes + " bytes per entry");
        }
      }
    }
  }
}
