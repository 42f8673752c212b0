package org.backplane.history.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
 * Throughput and CPU cost of one writer appending 100-byte payloads while one cursor follows on
 * another thread, then restart time with and without the index checkpoint. Run (from the
 * repository root) with:
 *
 * <pre>
 * history-store/bench.sh [entries] [topics] [filter|topic|none]
 * </pre>
 *
 * Arguments: entries (default 10,000,000), topics (default 100), cursor kind "filter" (one
 * cursor over all topics), "topic" (one cursor on one topic) or "none" (default filter).
 * System properties: {@code bench.warmup} entries appended (and read) before measuring, default
 * 1,000,000; {@code bench.checkpointEvery} the store's checkpointEveryEntries, default the
 * store's own default; {@code bench.heap=true} a heap payload buffer instead of a direct one.
 *
 * <p>On a shared machine the wall-clock rate swings with the other processes; the CPU time per
 * entry (thread CPU of the writer and of the reader, and process user+sys, which also counts
 * the checkpoint thread, GC and JIT) is the steadier figure to compare before and after a change.
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

  /** Minor page faults of the process so far (Linux), 0 where unknown. */
  private static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[7]); // field 10 of stat: minflt
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long processCpuNs() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Reads everything a new cursor delivers on this thread, twice (the first pass warms up the
   * JIT), and prints the CPU time per entry of the second.
   */
  private static void replay(HistoryStore store, String what, java.util.function.Supplier<HistoryCursor> open) {
    replayOnce(store, null, open);
    replayOnce(store, what, open);
  }

  private static void replayOnce(HistoryStore store, String what, java.util.function.Supplier<HistoryCursor> open) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] n = {0};
    long[] checksum = {0};
    EntryHandler h = e -> {
      n[0]++;
      checksum[0] += e.seq() + e.payloadLength();
    };
    long t0 = System.nanoTime();
    long faults0 = minorFaults();
    long cpu0 = threads.getCurrentThreadCpuTime();
    try (HistoryCursor c = open.get()) {
      while (c.poll(h, 1024) > 0) {
        // to the end
      }
    }
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    long ns = System.nanoTime() - t0;
    long faults = minorFaults() - faults0;
    if (what == null) {
      return;
    }
    System.out.printf("%s: %,d entries, %.0f ns cpu per entry, %,.0f entries/s, %.2f page faults per entry%n",
        what, n[0], cpu / (double) Math.max(1, n[0]), n[0] * 1e9 / ns, faults / (double) Math.max(1, n[0]));
  }

  private static void run(Path dir, long entries, int topics, String kind) throws Exception {
    long warmup = Long.getLong("bench.warmup", 1_000_000L);
    HistoryConfig.Builder builder = HistoryConfig.builder(dir);
    if (System.getProperty("bench.checkpointEvery") != null) {
      builder.checkpointEveryEntries(Long.getLong("bench.checkpointEvery"));
    }
    HistoryConfig config = builder.build();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    AtomicLong readerCpuNs = new AtomicLong();
    AtomicLong readerMeasured = new AtomicLong();
    AtomicLong readerDoneNs = new AtomicLong();
    long total = warmup + entries;
    try (HistoryStore store = HistoryStore.open(config)) {
      TopicLog[] logs = new TopicLog[topics];
      for (int i = 0; i < topics; i++) {
        logs[i] = store.topic("/bench/" + i);
      }
      ByteBuffer payload = Boolean.getBoolean("bench.heap") ? ByteBuffer.allocate(100) : ByteBuffer.allocateDirect(100);
      boolean oneTopic = kind.equals("topic");
      long readTarget = oneTopic ? (total + topics - 1) / topics : total;
      long readWarmup = oneTopic ? (warmup + topics - 1) / topics : warmup;
      Thread reader = new Thread(() -> {
        HistoryCursor c = oneTopic
            ? store.openCursor("/bench/0", StartPosition.BEGINNING)
            : store.openCursor(n -> n.startsWith("/bench/"), StartPosition.BEGINNING);
        long[] n = {0};
        long[] checksum = {0};
        EntryHandler h = e -> {
          n[0]++;
          checksum[0] += e.seq() + e.payloadLength();
        };
        long cpu0 = -1;
        long n0 = 0;
        while (n[0] < readTarget) {
          if (cpu0 < 0 && n[0] >= readWarmup) {
            cpu0 = threads.getCurrentThreadCpuTime();
            n0 = n[0];
          }
          if (c.poll(h, 1024) == 0) {
            LockSupport.parkNanos(20_000); // the server parks until the writer signals instead
          }
        }
        readerDoneNs.set(System.nanoTime());
        readerCpuNs.set(threads.getCurrentThreadCpuTime() - cpu0);
        readerMeasured.set(n[0] - n0);
        c.close();
      }, "reader");
      if (!kind.equals("none")) {
        reader.start();
      }
      long t0 = 0;
      long cpu0 = 0;
      long proc0 = 0;
      for (long i = 0; i < total; i++) {
        if (i == warmup) {
          t0 = System.nanoTime();
          cpu0 = threads.getCurrentThreadCpuTime();
          proc0 = processCpuNs();
        }
        store.append(logs[(int) (i % topics)], i, 1, i, null, null, payload);
        if ((i & 255) == 255) {
          store.commit();
          if ((i & 65535) == 65535) {
            store.maintain(System.currentTimeMillis()); // the server calls it every ~100 ms
          }
        }
      }
      store.commit();
      long appendNs = System.nanoTime() - t0;
      long writerCpu = threads.getCurrentThreadCpuTime() - cpu0;
      if (!kind.equals("none")) {
        reader.join();
      }
      long procCpu = processCpuNs() - proc0;
      long readNs = (kind.equals("none") ? System.nanoTime() : readerDoneNs.get()) - t0;
      System.gc();
      long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      System.out.printf("append: %,d entries of 100 B over %d topics (after %,d warm-up) in %.2f s = %,.0f appends/s%n",
          entries, topics, warmup, appendNs / 1e9, entries * 1e9 / appendNs);
      System.out.printf("cpu per entry: writer thread %.0f ns, reader thread %.0f ns (%,d entries), process %.0f ns%n",
          writerCpu / (double) entries,
          readerMeasured.get() == 0 ? 0.0 : readerCpuNs.get() / (double) readerMeasured.get(), readerMeasured.get(),
          procCpu / (double) entries);
      if (!kind.equals("none")) {
        System.out.printf("cursor (%s) done %.2f s after the measured start (%.0f ms after the writer)%n",
            kind, readNs / 1e9, (readNs - appendNs) / 1e6);
      }
      System.out.printf("heap in use after GC (index + everything): %,d bytes for %,d entries%n", heap, total);
      replay(store, "replay, one-topic cursor on 1 of " + topics + " topics",
          () -> store.openCursor("/bench/0", StartPosition.BEGINNING));
      replay(store, "replay, pattern cursor matching 1 of " + topics + " topics",
          () -> store.openCursor("/bench/0"::equals, StartPosition.BEGINNING));
      for (int k : new int[] {5, 10}) {
        replay(store, "replay, pattern cursor matching " + k + " of " + topics + " topics",
            () -> store.openCursor(n -> Integer.parseInt(n.substring(7)) < k, StartPosition.BEGINNING));
      }
      replay(store, "replay, pattern cursor matching all " + topics + " topics",
          () -> store.openCursor(n -> n.startsWith("/bench/"), StartPosition.BEGINNING));
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
