package org.backplane.history;

import static org.backplane.history.StoreFixture.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** B6: cursors, info and restart return exactly what each policy keeps; files really go away. */
@Timeout(60)
class RetentionTest {
  @TempDir
  Path dir;

  private final StoreFixture.ManualClock clock = new StoreFixture.ManualClock(1_700_000_000_000L);

  private HistoryStore open() throws IOException {
    return HistoryStore.open(HistoryConfig.builder(dir)
        .rollPeriod(Duration.ofSeconds(1))
        .clock(clock)
        .retention(name -> switch (name.substring(0, 2)) {
          case "/c" -> RetentionPolicy.lastCount(3);
          case "/a" -> RetentionPolicy.maxAge(Duration.ofSeconds(10));
          case "/b" -> RetentionPolicy.maxBytes(3 * (RecordLayout.HEADER_BYTES + 2));
          case "/k" -> new RetentionPolicy(2, null, 0, true);
          default -> RetentionPolicy.KEEP_ALL;
        })
        .build());
  }

  private static List<Long> seqs(HistoryStore store, String topic) {
    return Recorded.seqs(Recorded.drain(store.openCursor(topic, StartPosition.BEGINNING)));
  }

  private static List<Long> seqsViaFilter(HistoryStore store, String topic) {
    return Recorded.seqs(Recorded.drain(store.openCursor(topic::equals, StartPosition.BEGINNING)));
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(s);
    }
    return out;
  }

  private List<Path> logFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve(HistoryStore.LOG_DIR))) {
      return s.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
    }
  }

  @Test
  void countAgeAndBytesLimitsKeepExactlyTheNewestEntriesAlsoAfterRestart() throws Exception {
    try (HistoryStore store = open()) {
      for (int i = 1; i <= 10; i++) {
        append(store, "/count", clock.millis(), null, "c" + (i % 10));
        append(store, "/bytes", clock.millis(), null, "b" + (i % 10));
        append(store, "/age", clock.millis(), null, "a" + (i % 10));
        clock.advance(Duration.ofSeconds(2));
      }
      store.maintain(clock.millis());
      assertEquals(range(8, 10), seqs(store, "/count"));
      assertEquals(range(8, 10), seqsViaFilter(store, "/count"));
      assertEquals(range(8, 10), seqs(store, "/bytes"));
      // ages now 2, 4, ... 20 s: kept are those with age <= 10 s
      assertEquals(range(6, 10), seqs(store, "/age"));
      assertEquals(range(6, 10), seqsViaFilter(store, "/age"));
      TopicInfo count = store.info("/count").orElseThrow();
      assertEquals(new TopicInfo("/count", 8, 10, 3, 3L * (RecordLayout.HEADER_BYTES + 2),
          clock.millis() - 2000), count);
      // a seq below the first retained one starts at the first retained one
      assertEquals(range(8, 10), Recorded.seqs(Recorded.drain(store.openCursor("/count", StartPosition.atSeq(2)))));
    }
    try (HistoryStore store = open()) {
      assertEquals(range(8, 10), seqs(store, "/count"));
      assertEquals(range(8, 10), seqs(store, "/bytes"));
      store.maintain(clock.millis());
      assertEquals(range(6, 10), seqs(store, "/age"));
      clock.advance(Duration.ofSeconds(100));
      store.maintain(clock.millis());
      assertEquals(List.of(), seqs(store, "/age"));
      TopicInfo age = store.info("/age").orElseThrow();
      assertEquals(11, age.firstSeq());
      assertEquals(10, age.lastSeq());
      assertEquals(0, age.retainedCount());
      assertEquals(11, append(store, "/age", clock.millis(), null, "new"));
    }
  }

  @Test
  void compactionKeepsLatestPerKeyPlusLimitedKeylessAndSurvivesRestartAndRelocation() throws Exception {
    try (HistoryStore store = open()) {
      append(store, "/k", clock.millis(), "A", "a1"); // 1
      append(store, "/k", clock.millis(), "B", "b1"); // 2
      append(store, "/k", clock.millis(), null, "n1"); // 3
      clock.advance(Duration.ofSeconds(2));
      append(store, "/k", clock.millis(), "A", "a2"); // 4
      append(store, "/k", clock.millis(), null, "n2"); // 5
      append(store, "/k", clock.millis(), null, "n3"); // 6 -> keyless limit 2 drops 3
      clock.advance(Duration.ofSeconds(2));
      append(store, "/other", clock.millis(), null, "x");
      assertEquals(List.of(2L, 4L, 5L, 6L), seqs(store, "/k"));
      assertEquals(List.of(2L, 4L, 5L, 6L), seqsViaFilter(store, "/k"));
      assertEquals(4, store.info("/k").orElseThrow().retainedCount());
    }
    try (HistoryStore store = open()) {
      assertEquals(List.of(2L, 4L, 5L, 6L), seqs(store, "/k"));
      append(store, "/k", clock.millis(), "B", "b2"); // 7 replaces 2
      assertEquals(List.of(4L, 5L, 6L, 7L), seqs(store, "/k"));
      List<Recorded> latest = Recorded.drain(store.openCursor("/k", StartPosition.BEGINNING));
      assertEquals(List.of("a2", "n2", "n3", "b2"), latest.stream().map(Recorded::payload).toList());
    }
  }

  @Test
  void filesWithoutRetainedEntriesAreDeletedAndCompactedTopicsAreRelocated() throws Exception {
    HistoryCursor lagging;
    try (HistoryStore store = open()) {
      for (int i = 0; i < 5; i++) {
        append(store, "/count", clock.millis(), null, "c" + i);
        append(store, "/k", clock.millis(), "key" + (i % 2), "v" + i);
        clock.advance(Duration.ofSeconds(1));
      }
      lagging = store.openCursor(n -> n.equals("/k"), StartPosition.BEGINNING);
      assertEquals(5, logFiles().size());
      // only /k (compacted) and /count (last 3) retain anything in the first files
      append(store, "/count", clock.millis(), null, "c5");
      append(store, "/count", clock.millis(), null, "c6");
      append(store, "/count", clock.millis(), null, "c7");
      clock.advance(Duration.ofSeconds(1));
      append(store, "/tick", clock.millis(), null, "t");
      store.maintain(clock.millis());
      // files 0..4 held /count 1..5 (gone) and /k 1..5 (3 and 4... relocated): all deletable
      List<Path> files = logFiles();
      assertEquals(2, files.size(), files.toString());
      assertEquals(List.of(4L, 5L), seqs(store, "/k"));
      assertEquals(List.of(4L, 5L), seqsViaFilter(store, "/k"));
      assertEquals(List.of(6L, 7L, 8L), seqs(store, "/count"));
      // a cursor opened before the relocation delivers each retained entry once, in seq order
      assertEquals(List.of(4L, 5L), Recorded.seqs(Recorded.drain(lagging)));
      append(store, "/k", clock.millis(), "key0", "v6");
      assertEquals(List.of(6L), Recorded.seqs(Recorded.drain(lagging)));
    }
    try (HistoryStore store = open()) {
      assertEquals(List.of(4L, 6L), seqs(store, "/k"));
      assertEquals(List.of("v3", "v6"), Recorded.drain(store.openCursor("/k", StartPosition.BEGINNING))
          .stream().map(Recorded::payload).toList());
      assertEquals(List.of(6L, 7L, 8L), seqs(store, "/count"));
    }
    // without the checkpoint: a full scan must reach the same state
    Files.delete(dir.resolve(HistoryStore.CHECKPOINT_FILE));
    try (HistoryStore store = open()) {
      assertEquals(List.of(4L, 6L), seqs(store, "/k"));
      assertEquals(List.of(6L, 7L, 8L), seqs(store, "/count"));
      assertTrue(store.info("/count").orElseThrow().firstSeq() == 6);
    }
  }

  @Test
  void aCursorMidWayThroughTheLogKeepsTheOriginalOrderOfARelocatedEntry() throws Exception {
    try (HistoryStore store = open()) {
      append(store, "/k", clock.millis(), "A", "k1");
      HistoryCursor c = store.openCursor(n -> n.equals("/k") || n.equals("/keep"), StartPosition.BEGINNING);
      assertEquals(List.of(1L), Recorded.seqs(Recorded.drain(c)));
      clock.advance(Duration.ofSeconds(1));
      append(store, "/keep", clock.millis(), null, "x1");
      append(store, "/k", clock.millis(), "B", "k2");
      append(store, "/keep", clock.millis(), null, "x2");
      clock.advance(Duration.ofSeconds(1));
      append(store, "/tick", clock.millis(), null, "t");
      store.maintain(clock.millis()); // first file holds only /k#1: /k is relocated, the file deleted
      assertEquals(2, logFiles().size());
      assertEquals(List.of("/keep#1", "/k#2", "/keep#2"),
          Recorded.drain(c).stream().map(r -> r.topic() + "#" + r.seq()).toList());
      // a cursor opening now reads /k from the relocated block, in seq order
      assertEquals(List.of("/keep#1", "/keep#2", "/k#1", "/k#2"),
          Recorded.drain(store.openCursor(n -> n.equals("/k") || n.equals("/keep"), StartPosition.BEGINNING))
              .stream().map(r -> r.topic() + "#" + r.seq()).toList());
    }
  }
}
