package org.backplane.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a child JVM that appends continuously: every entry it reported as committed is
 * intact after reopening, a half-written record is skipped, the store opens quickly and takes
 * new appends.
 */
@Timeout(180)
class CrashRecoveryIT {
  @TempDir
  Path dir;

  private Process start(String mode, long limit) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String flags = System.getProperty("backplane.jvm.flags", "");
    cmd.addAll(Arrays.stream(flags.split("\\s+")).filter(s -> !s.isBlank()).toList());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CrashChild.class.getName());
    cmd.add(dir.toString());
    cmd.add(mode);
    cmd.add(Long.toString(limit));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Reads acks until {@code wanted} acks (or the HOLDING line if {@code holding}), then kill -9. */
  private Map<String, Long> runAndKill(String mode, long limit, int wanted, boolean holding) throws Exception {
    Process p = start(mode, limit);
    Map<String, Long> acked = new HashMap<>();
    int count = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ACK ")) {
          String[] f = line.split(" ");
          acked.merge(f[1], Long.parseLong(f[2]), Math::max);
          count++;
          if (!holding && count >= wanted) {
            break;
          }
        } else if (line.equals("HOLDING")) {
          break;
        }
      }
      p.destroyForcibly(); // SIGKILL
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    assertTrue(count > 0, "child reported nothing");
    return acked;
  }

  private void verify(Map<String, Long> acked) throws Exception {
    long t0 = System.nanoTime();
    try (HistoryStore store = HistoryStore.open(CrashChild.config(dir))) {
      long openMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("reopened after kill -9 in " + openMs + " ms");
      for (Map.Entry<String, Long> e : acked.entrySet()) {
        String topic = e.getKey();
        long[] next = {1};
        HistoryCursor c = store.openCursor(topic, StartPosition.BEGINNING);
        while (c.poll(entry -> {
          assertEquals(next[0], entry.seq(), topic);
          assertEquals(CrashChild.payload(topic, entry.seq()),
              new String(entry.payload(), StandardCharsets.UTF_8), topic + " seq " + entry.seq());
          next[0]++;
        }, 1000) > 0) {
          // all of it
        }
        assertTrue(next[0] - 1 >= e.getValue(), topic + ": acked " + e.getValue() + " but only " + (next[0] - 1) + " intact");
        TopicInfo info = store.info(topic).orElseThrow();
        long last = info.lastSeq();
        assertEquals(last + 1, store.append(store.topic(topic), info.lastTimestampMillis(), 0, 0, null, null,
            ByteBuffer.wrap(CrashChild.payload(topic, last + 1).getBytes(StandardCharsets.UTF_8))));
      }
      store.commit();
      // the new appends are readable through a filter cursor too
      long total = 0;
      for (TopicInfo i : store.topics(n -> n.startsWith("/crash/"))) {
        total += i.retainedCount();
      }
      assertEquals(total, Recorded.drain(store.openCursor(n -> n.startsWith("/crash/"), StartPosition.BEGINNING)).size());
    }
  }

  @Test
  void everyAckedEntrySurvivesKillMinus9MidAppendAndTheStoreTakesNewAppends() throws Exception {
    Map<String, Long> acked = runAndKill("run", Long.MAX_VALUE, 20_000, false);
    verify(acked);
    Map<String, Long> again = runAndKill("run", Long.MAX_VALUE, 20_000, false);
    verify(again);
  }

  @Test
  void aRecordLeftHalfWrittenByAKilledWriterIsSkippedAndAppendsContinue() throws Exception {
    Map<String, Long> acked = runAndKill("torn", 3_000, 0, true);
    verify(acked);
    verify(acked); // and once more after the recovered store was closed cleanly
  }
}
