package org.backplane.history;

import static org.backplane.history.StoreFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** State transfer (export/import keeps seqs, B1) and the dedup memory (B3). */
@Timeout(60)
class TransferAndDedupTest {
  @TempDir
  Path dir;

  private HistoryStore open(String sub) throws IOException {
    return HistoryStore.open(HistoryConfig.builder(dir.resolve(sub))
        .producerWindow(4)
        .retention(name -> name.startsWith("/k") ? RetentionPolicy.compacted()
            : name.startsWith("/c") ? RetentionPolicy.lastCount(5) : RetentionPolicy.KEEP_ALL)
        .build());
  }

  private static void fill(HistoryStore s) {
    for (int i = 1; i <= 20; i++) {
      s.append(s.topic("/plain"), i, 42, i, null, utf8("h" + i), utf8("p" + i));
      s.append(s.topic("/k"), i, 43, i, utf8("key" + (i % 3)), null, utf8("k" + i));
      s.append(s.topic("/count"), i, 0, 0, null, null, utf8("c" + i));
    }
  }

  @Test
  void exportThenImportGivesIdenticalInfoAndContentAndContinuesSeqs() throws Exception {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    try (HistoryStore donor = open("donor"); HistoryStore joiner = open("joiner")) {
      fill(donor);
      ExportStats ex = donor.export(n -> true, Map.of(), stream);
      assertEquals(3, ex.topics());
      assertEquals(20 + 3 + 5, ex.entries());
      ImportStats im = joiner.importFrom(new ByteArrayInputStream(stream.toByteArray()));
      assertEquals(new ImportStats(3, 28, 0), im);
      assertEquals(donor.topics(n -> true), joiner.topics(n -> true));
      for (String t : List.of("/plain", "/k", "/count")) {
        assertEquals(Recorded.drain(donor.openCursor(t, StartPosition.BEGINNING)),
            Recorded.drain(joiner.openCursor(t, StartPosition.BEGINNING)), t);
      }
      assertEquals(21, joiner.append(joiner.topic("/count"), 99, 0, 0, null, null, utf8("next")));
      assertEquals(new PriorAppend.Appended("/plain", 20), joiner.findAppended(42, 20));

      // an incremental export from given seqs: the joiner skips what it already has
      donor.append(donor.topic("/plain"), 21, 42, 21, null, null, utf8("p21"));
      ByteArrayOutputStream delta = new ByteArrayOutputStream();
      ExportStats d = donor.export("/plain"::equals, Map.of("/plain", 19L), delta);
      assertEquals(3, d.entries());
      assertEquals(new ImportStats(1, 1, 2), joiner.importFrom(new ByteArrayInputStream(delta.toByteArray())));
      assertEquals(donor.info("/plain"), joiner.info("/plain"));
    }
    try (HistoryStore joiner = open("joiner")) {
      assertEquals(21, joiner.info("/plain").orElseThrow().lastSeq());
      assertEquals(List.of(17L, 18L, 19L, 20L, 21L), // last 5, with the append after the import
          Recorded.seqs(Recorded.drain(joiner.openCursor("/count", StartPosition.BEGINNING))));
    }
  }

  @Test
  void importRejectsAStreamThatIsNotOneAndKeepsTheStoreUsable() throws Exception {
    try (HistoryStore s = open("x")) {
      assertThrows(IOException.class, () -> s.importFrom(new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})));
      assertEquals(1, s.append(s.topic("/plain"), 1, 0, 0, null, null, utf8("ok")));
    }
  }

  @Test
  void dedupRemembersAWindowPerProducerAndIsRebuiltAfterRestart() throws Exception {
    try (HistoryStore s = open("d")) {
      assertEquals(PriorAppend.NOT_SEEN, s.findAppended(42, 1));
      fill(s);
      s.append(s.topic("/plain"), 30, 44, 10, null, null, utf8("gap-producer")); // 44: seqs 10, 12
      s.append(s.topic("/plain"), 31, 44, 12, null, null, utf8("gap-producer"));
      checkDedup(s);
    }
    try (HistoryStore s = open("d")) {
      checkDedup(s);
    }
    java.nio.file.Files.delete(dir.resolve("d").resolve(HistoryStore.CHECKPOINT_FILE));
    try (HistoryStore s = open("d")) {
      checkDedup(s); // rebuilt by a full scan
    }
  }

  private static void checkDedup(HistoryStore s) {
    assertEquals(new PriorAppend.Appended("/plain", 20), s.findAppended(42, 20));
    assertEquals(new PriorAppend.Appended("/plain", 17), s.findAppended(42, 17));
    assertEquals(new PriorAppend.SeenButForgotten(20), s.findAppended(42, 16)); // window of 4
    assertEquals(PriorAppend.NOT_SEEN, s.findAppended(42, 21));
    assertEquals(new PriorAppend.Appended("/k", 19), s.findAppended(43, 19));
    assertEquals(PriorAppend.NOT_SEEN, s.findAppended(0, 5)); // anonymous
    assertEquals(PriorAppend.NOT_SEEN, s.findAppended(44, 11)); // a gap inside the window
    assertEquals(new PriorAppend.Appended("/plain", 22), s.findAppended(44, 12));
  }
}
