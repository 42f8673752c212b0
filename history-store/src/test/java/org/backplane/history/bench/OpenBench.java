package org.backplane.history.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.backplane.history.HistoryConfig;
import org.backplane.history.HistoryStore;
import org.slf4j.LoggerFactory;

/**
 * Start-up cost: opening an empty data directory in a fresh JVM (what {@code bus server} and
 * {@code bus demo} wait for), as wall time and CPU time of the opening thread, with logging
 * already initialised as it is in the server; then a second open in the same JVM. Run with
 * {@code history-store/bench.sh open}.
 */
public final class OpenBench {
  private OpenBench() {
  }

  public static void main(String[] args) throws Exception {
    LoggerFactory.getLogger(OpenBench.class).info("logging initialised");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Path first = Files.createTempDirectory("history-open");
    Path second = Files.createTempDirectory("history-open");
    try {
      int classes0 = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      HistoryStore store = HistoryStore.open(HistoryConfig.builder(first).build());
      long t1 = System.nanoTime();
      long cpu1 = threads.getCurrentThreadCpuTime();
      int classes1 = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
      store.close();
      long t2 = System.nanoTime();
      HistoryStore.open(HistoryConfig.builder(second).build()).close();
      long t3 = System.nanoTime();
      System.out.printf("first open of an empty store: %.0f ms wall, %.0f ms cpu of the opening thread, %d classes loaded%n",
          (t1 - t0) / 1e6, (cpu1 - cpu0) / 1e6, classes1 - classes0);
      System.out.printf("second open (same JVM) and close: %.0f ms%n", (t3 - t2) / 1e6);
    } finally {
      for (Path dir : new Path[] {first, second}) {
        try (Stream<Path> s = Files.walk(dir)) {
          s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
