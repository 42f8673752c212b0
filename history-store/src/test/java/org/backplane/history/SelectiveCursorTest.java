package org.backplane.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pattern cursor that merges the matching topics' indexes delivers exactly what the cursor
 * that scans the whole log delivers: same entries, same global order, same content, on
 * seeded random histories with topics created later, count/bytes/age retention, compacted
 * topics (which make a merging cursor scan from where it is), reclaimed log files, every kind
 * of start position, and cursors polled a few entries at a time while the writer appends.
 */
@Timeout(120)
class SelectiveCursorTest {
  @TempDir
  Path dir;

  private final StoreFixture.ManualClock clock = new StoreFixture.ManualClock(1_700_000_000_000L);

  private HistoryStore open() throws Exception {
    return HistoryStore.open(HistoryConfig.builder(dir)
        .rollPeriod(Duration.ofSeconds(1))
        .clock(clock)
        .retention(name -> switch (name.charAt(1)) {
          case 'c' -> RetentionPolicy.lastCount(50);
          case 'b' -> RetentionPolicy.maxBytes(40 * 80);
          case 'a' -> RetentionPolicy.maxAge(Duration.ofSeconds(20));
          case 'k' -> RetentionPolicy.compacted();
          default -> RetentionPolicy.KEEP_ALL;
        })
        .build());
  }

  /** Three cursors over one filter: scanning, merging, and as the store chooses. */
  private record Trio(String what, HistoryCursor scan, FilterCursor merge, HistoryCursor auto,
                      List<String> scanned, List<String> merged, List<String> chosen) {
    void poll(int limit) {
      scan.poll(e -> scanned.add(line(e)), limit);
      merge.poll(e -> merged.add(line(e)), limit);
      auto.poll(e -> chosen.add(line(e)), limit);
    }

    void drain() {
      while (scan.poll(e -> scanned.add(line(e)), 1000) > 0) {
        // all
      }
      while (merge.poll(e -> merged.add(line(e)), 1000) > 0) {
        // all
      }
      while (auto.poll(e -> chosen.add(line(e)), 1000) > 0) {
        // all
      }
    }
  }

  private static String line(Entry e) {
    return e.topic() + "#" + e.seq() + "@" + e.timestampMillis() + "=" + new String(e.payload(), StandardCharsets.UTF_8);
  }

  private static StartPosition randomStart(Random rnd, long nowMillis, Set<String> names) {
    return switch (rnd.nextInt(7)) {
      case 0 -> StartPosition.BEGINNING;
      case 1 -> StartPosition.atSeq(1 + rnd.nextInt(60));
      case 2 -> StartPosition.lastN(rnd.nextInt(30));
      case 3 -> StartPosition.atTime(Instant.ofEpochMilli(nowMillis - rnd.nextInt(30_000)));
      case 4 -> StartPosition.END;
      case 5 -> {
        Map<String, Long> next = new HashMap<>();
        for (String n : names) {
          if (rnd.nextBoolean()) {
            next.put(n, 1L + rnd.nextInt(40));
          }
        }
        yield new StartPosition.Resume(next, rnd.nextBoolean() ? StartPosition.END : StartPosition.lastN(5));
      }
      default -> new StartPosition.Resume(Map.of(), StartPosition.atTime(Instant.ofEpochMilli(nowMillis + 500)));
    };
  }

  @Test
  void mergingAndScanningCursorsDeliverTheSameEntriesInTheSameOrder() throws Exception {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println("SelectiveCursorTest seed=" + seed + " (rerun with -Dseed=" + seed + ")");
    Random rnd = new Random(seed);
    // prefixes pick the retention: /c count, /b bytes, /a age, /k compacted, /x keep all
    String[] kinds = {"/x", "/x", "/x", "/c", "/b", "/a", "/k"};
    List<String> universe = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      universe.add(kinds[rnd.nextInt(kinds.length)] + "/" + i);
    }
    Set<String> created = new HashSet<>();
    List<Trio> trios = new ArrayList<>();
    int merged = 0;
    try (HistoryStore store = open()) {
      ByteBuffer payload = ByteBuffer.allocate(64);
      for (int step = 0; step < 30_000; step++) {
        // a few busy topics, many rare ones; topics are created as the history goes
        int t = rnd.nextInt(10) < 7 ? rnd.nextInt(4) : rnd.nextInt(Math.min(universe.size(), 4 + step / 500));
        String name = universe.get(t);
        created.add(name);
        payload.clear();
        payload.put(("p" + step).getBytes(StandardCharsets.UTF_8)).flip();
        ByteBuffer key = name.startsWith("/k") ? ByteBuffer.wrap(("k" + rnd.nextInt(20)).getBytes(StandardCharsets.UTF_8)) : null;
        store.append(store.topic(name), clock.millis(), 0, 0, key, null, payload);
        if (rnd.nextInt(200) == 0) {
          clock.advance(Duration.ofMillis(rnd.nextInt(2_000)));
          store.maintain(clock.millis());
        }
        if (step % 750 == 375) { // 40 cursors, opened as the history grows
          // a filter over a few topics, some not created yet
          Set<String> chosen = new HashSet<>();
          int k = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 12);
          for (int i = 0; i < k; i++) {
            chosen.add(universe.get(rnd.nextInt(universe.size())));
          }
          Predicate<String> filter = chosen::contains;
          StartPosition start = randomStart(rnd, clock.millis(), created);
          Trio trio = new Trio(chosen + " from " + start,
              store.openCursor(filter, start, FilterCursor.Mode.SCAN),
              store.openCursor(filter, start, FilterCursor.Mode.MERGE),
              store.openCursor(filter, start),
              new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
          assertFalse(((FilterCursor) trio.scan()).merging());
          if (trio.merge().merging()) {
            merged++;
          }
          trios.add(trio);
        }
        if (rnd.nextInt(50) == 0) {
          for (Trio trio : trios) {
            trio.poll(1 + rnd.nextInt(20));
          }
        }
      }
      clock.advance(Duration.ofSeconds(5));
      store.maintain(clock.millis());
      for (Trio trio : trios) {
        trio.drain();
        assertEquals(trio.scanned(), trio.merged(), "merging cursor over " + trio.what());
        assertEquals(trio.scanned(), trio.chosen(), "cursor over " + trio.what());
        assertNoGapNorDuplicatePerTopic(trio.scanned(), trio.what());
      }
    }
    assertTrue(trios.size() >= 20, "opened " + trios.size() + " cursors");
    assertTrue(merged >= trios.size() / 4, merged + " of " + trios.size() + " cursors merged");
  }

  /** Per topic, seqs only go up (retention and compaction leave holes, never reorder). */
  private static void assertNoGapNorDuplicatePerTopic(List<String> lines, String what) {
    Map<String, Long> last = new HashMap<>();
    for (String l : lines) {
      String topic = l.substring(0, l.indexOf('#'));
      long seq = Long.parseLong(l.substring(l.indexOf('#') + 1, l.indexOf('@')));
      Long prev = last.put(topic, seq);
      assertTrue(prev == null || prev < seq, what + ": " + topic + " seq " + seq + " after " + prev);
    }
  }

  @Test
  void aFewRareTopicsAreMergedAndACompactedOneCreatedLaterSwitchesToAScan() throws Exception {
    try (HistoryStore store = open()) {
      for (int i = 0; i < 1_000; i++) {
        StoreFixture.append(store, "/x/busy", i, null, "b" + i);
        if (i % 100 == 0) {
          StoreFixture.append(store, "/x/rare", i, null, "r" + i);
        }
      }
      Predicate<String> rare = n -> n.equals("/x/rare") || n.equals("/k/later");
      FilterCursor c = (FilterCursor) store.openCursor(rare, StartPosition.BEGINNING);
      assertTrue(c.merging(), "10 of 1,010 entries: merged");
      assertEquals(10, Recorded.drain(c).size());
      StoreFixture.append(store, "/x/rare", 2_000, null, "r-live");
      assertEquals(List.of("r-live"), Recorded.drain(c).stream().map(Recorded::payload).toList());
      StoreFixture.append(store, "/k/later", 2_001, "key", "k1");
      StoreFixture.append(store, "/x/rare", 2_002, null, "r-after");
      assertEquals(List.of("k1", "r-after"), Recorded.drain(c).stream().map(Recorded::payload).toList());
      assertFalse(c.merging(), "a compacted topic is read by scanning");
      FilterCursor busy = (FilterCursor) store.openCursor(n -> n.startsWith("/x/"), StartPosition.BEGINNING);
      assertFalse(busy.merging(), "every entry matches: scanned");
    }
  }
}
