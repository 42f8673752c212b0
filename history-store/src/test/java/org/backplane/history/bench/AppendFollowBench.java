package org.backplane.history.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.backplane.history.EntryHandler;
import org.backplane.history.HistoryConfig;
import org.backplane.history.HistoryCursor;
import org.backplane.history.HistoryStore;
import org.backplane.history.StartPosition;
import org.backplane.history.TopicLog;

/**
 * Throughput of one writer appending 100-byte payloads while one cursor follows on another
 * thread, then restart time with and without the index checkpoint. Run (from the repository
 * root) with:
 *
 * <pre>
 * history-store/bench.sh [entries] [topics] [filter|topic|none]
 * </pre>
 *
 * Arguments: entries (default 10,000,000), topics (default 100), cursor kind "filter" (one
 * cursor over all topics), "topic" (one cursor on one topic) or "none" (default filter).
 */
public final class AppendFollowBench {
  private AppendFollowBench() {
  }

  public static void main(String[] args) throws Exception {
    long entries = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    int topics = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    String kind = args.length > 2 ? args[2] : "filter";
    Path dir = Files.createTempDirectory("history-bench");
    try {
      run(dir, entries, topics, kind);
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Path dir, long entries, int topics, String kind) throws Exception {
    HistoryConfig config = HistoryConfig.builder(dir).checkpointEveryEntries(0).build();
    AtomicLong read = new AtomicLong();
    AtomicBoolean writing = new AtomicBoolean(true);
    long appendNs;
    long readNs;
    try (HistoryStore store = HistoryStore.open(config)) {
      TopicLog[] logs = new TopicLog[topics];
      for (int i = 0; i < topics; i++) {
        logs[i] = store.topic("/bench/" + i);
      }
      // warm up (not counted)
      ByteBuffer payload = Boolean.getBoolean("bench.heap") ? ByteBuffer.allocate(100) : ByteBuffer.allocateDirect(100);
      Thread reader = new Thread(() -> {
        HistoryCursor c = kind.equals("topic")
            ? store.openCursor("/bench/0", StartPosition.BEGINNING)
            : store.openCursor(n -> n.startsWith("/bench/"), StartPosition.BEGINNING);
        long[] n = {0};
        long[] checksum = {0};
        EntryHandler h = e -> {
          n[0]++;
          checksum[0] += e.seq() + e.payloadLength();
        };
        long target = kind.equals("topic") ? entries / topics : entries;
        while (n[0] < target) {
          if (c.poll(h, 1024) == 0) {
            LockSupport.parkNanos(20_000); // the server parks until the writer signals instead
          }
        }
        read.set(n[0]);
        c.close();
      }, "reader");
      long t0 = System.nanoTime();
      if (!kind.equals("none")) {
        reader.start();
      }
      for (long i = 0; i < entries; i++) {
        store.append(logs[(int) (i % topics)], i, 1, i, null, null, payload);
        if ((i & 255) == 255) {
          store.commit();
        }
      }
      store.commit();
      appendNs = System.nanoTime() - t0;
      writing.set(false);
      if (!kind.equals("none")) {
        reader.join();
      }
      readNs = System.nanoTime() - t0;
      System.gc();
      long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      System.out.printf("append: %,d entries of 100 B over %d topics in %.2f s = %,.0f appends/s%n",
          entries, topics, appendNs / 1e9, entries * 1e9 / appendNs);
      System.out.printf("cursor (%s) read %,d entries, done %.2f s after start = %,.0f entries/s%n",
          kind, read.get(), readNs / 1e9, read.get() * 1e9 / readNs);
      System.out.printf("heap in use after GC (index + everything): %,d bytes for %,d entries%n", heap, entries);
    }
    long t1 = System.nanoTime();
    try (HistoryStore store = HistoryStore.open(config)) {
      System.out.printf("reopen from checkpoint written at close: %.0f ms (%d topics)%n",
          (System.nanoTime() - t1) / 1e6, store.topics(n -> true).size());
    }
    Files.delete(dir.resolve("index.ckpt"));
    long t2 = System.nanoTime();
    try (HistoryStore store = HistoryStore.open(config)) {
      System.out.printf("reopen by full scan (no checkpoint): %.0f ms (%d topics)%n",
          (System.nanoTime() - t2) / 1e6, store.topics(n -> true).size());
    }
  }
}
