package org.backplane.history;

import static org.backplane.history.StoreFixture.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental index checkpoints: a checkpoint writes the segments sealed since the previous
 * one (not the whole index), compaction rewrites the segments it touched, a new segment file
 * replaces one that is mostly dead, and every restart from a checkpoint gives exactly what the
 * store held (compared with what cursors read before closing).
 */
@Timeout(120)
class CheckpointTest {
  @TempDir
  Path dir;

  private HistoryConfig config() {
    return HistoryConfig.builder(dir)
        .checkpointEveryEntries(1)
        .retention(name -> name.startsWith("/k") ? RetentionPolicy.compacted() : RetentionPolicy.KEEP_ALL)
        .build();
  }

  private long segmentFileBytes() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      long total = 0;
      for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".segs")).toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".segs")).sorted().toList();
    }
  }

  private static void checkpoint(HistoryStore store, long now) {
    store.maintain(now);
    store.checkpointer().awaitIdle();
  }

  /** Everything every topic holds, read through one-topic cursors. */
  private static List<String> content(HistoryStore store) {
    List<String> out = new ArrayList<>();
    for (TopicInfo info : store.topics(n -> true)) {
      out.add(info.toString());
      for (Recorded r : Recorded.drain(store.openCursor(info.name(), StartPosition.BEGINNING))) {
        out.add(r.topic() + "#" + r.seq() + "=" + r.key() + ":" + r.payload());
      }
    }
    return out;
  }

  /** Compares two contents, reporting the first difference instead of both lists. */
  private static void assertSameContent(List<String> expected, List<String> actual, String what) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), what + ": first difference at line " + i);
    }
    assertEquals(expected.size(), actual.size(), what + ": lines");
  }

  @Test
  void aCheckpointWritesOnlyWhatWasSealedSinceThePreviousOne() throws Exception {
    ByteBuffer payload = ByteBuffer.allocate(10);
    List<String> before;
    try (HistoryStore store = HistoryStore.open(config())) {
      TopicLog t = store.topic("/t");
      for (int i = 0; i < 100_000; i++) {
        store.append(t, i, 0, 0, null, null, payload);
      }
      checkpoint(store, 1);
      long first = segmentFileBytes();
      // 100,000 slots of 8 bytes, less the last (inline) segment
      assertTrue(first > 700_000 && first < 820_000, "first checkpoint wrote " + first + " bytes");
      for (int i = 100_000; i < 110_000; i++) {
        store.append(t, i, 0, 0, null, null, payload);
      }
      checkpoint(store, 2);
      long second = segmentFileBytes() - first;
      assertTrue(second < 120_000, "second checkpoint wrote " + second + " bytes for 10,000 new entries");
      before = content(store);
    }
    try (HistoryStore store = HistoryStore.open(config())) {
      assertSameContent(before, content(store), "after restart");
    }
  }

  @Test
  void compactionAfterACheckpointIsNotUndoneByTheNextRestart() throws Exception {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println("CheckpointTest seed=" + seed + " (rerun with -Dseed=" + seed + ")");
    Random rnd = new Random(seed);
    List<String> before;
    try (HistoryStore store = HistoryStore.open(config())) {
      for (int i = 0; i < 30_000; i++) {
        append(store, "/k", i, "key" + rnd.nextInt(20_000), "v" + i);
        append(store, "/plain", i, null, "p" + i);
      }
      checkpoint(store, 1);
      // overwrite keys whose entries sit in sealed, already saved segments
      for (int i = 30_000; i < 35_000; i++) {
        append(store, "/k", i, "key" + rnd.nextInt(20_000), "w" + i);
      }
      checkpoint(store, 2);
      for (int i = 35_000; i < 35_100; i++) {
        append(store, "/k", i, "key" + rnd.nextInt(20_000), "x" + i);
      }
      before = content(store);
    }
    try (HistoryStore store = HistoryStore.open(config())) {
      assertSameContent(before, content(store), "after restart");
    }
    Files.delete(dir.resolve(HistoryStore.CHECKPOINT_FILE));
    try (HistoryStore store = HistoryStore.open(config())) {
      assertSameContent(before, content(store), "a full scan agrees");
    }
  }

  @Test
  void aMostlyDeadSegmentFileIsReplacedByANewGeneration() throws Exception {
    List<String> before;
    try (HistoryStore store = HistoryStore.open(config())) {
      // many rounds over the same keys: every checkpoint rewrites the segments compaction touched
      for (int round = 0; round < 40; round++) {
        for (int k = 0; k < 40_000; k++) {
          append(store, "/k", round, "key" + k, "r" + round);
        }
        checkpoint(store, round + 1);
      }
      List<Path> files = segmentFiles();
      assertEquals(1, files.size(), files.toString());
      assertTrue(!files.get(0).getFileName().toString().equals("index-1.segs"), "a new generation: " + files);
      before = content(store);
    }
    try (HistoryStore store = HistoryStore.open(config())) {
      assertSameContent(before, content(store), "after restart");
    }
  }

  @Test
  void aDamagedSegmentBlockMakesTheStoreRebuildByAFullScan() throws Exception {
    List<String> before;
    try (HistoryStore store = HistoryStore.open(config())) {
      for (int i = 0; i < 50_000; i++) {
        append(store, "/t" + (i % 3), i, null, "p" + i);
      }
      before = content(store);
    }
    Path segs = segmentFiles().get(0);
    try (FileChannel ch = FileChannel.open(segs, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 100);
    }
    try (HistoryStore store = HistoryStore.open(config())) {
      assertSameContent(before, content(store), "after restart");
    }
    try (HistoryStore store = HistoryStore.open(config())) {
      assertSameContent(before, content(store), "and the checkpoint written at close is whole again");
    }
  }
}
