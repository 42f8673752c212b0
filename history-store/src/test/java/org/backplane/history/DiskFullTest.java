package org.backplane.history;

import static org.backplane.history.StoreFixture.append;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk is simulated at the file boundary (the free-space probe the store consults before
 * writing into its mapped files): appends fail with a clear exception, the store stays readable
 * and consistent, and appends succeed again once space is back.
 */
@Timeout(60)
class DiskFullTest {
  @TempDir
  Path dir;

  @Test
  void appendsFailClearlyWhileTheDiskIsFullAndResumeWhenSpaceIsBack() throws Exception {
    AtomicLong free = new AtomicLong(Long.MAX_VALUE);
    try (HistoryStore store = HistoryStore.open(HistoryConfig.builder(dir).build())) {
      store.diskSpaceProbe(free::get, 1 << 20);
      for (int i = 1; i <= 10; i++) {
        assertEquals(i, append(store, "/d", i, null, "p" + i));
      }
      HistoryCursor follower = store.openCursor("/d", StartPosition.BEGINNING);
      assertEquals(10, Recorded.drain(follower).size());
      free.set(1000);
      store.maintain(100); // the writer's periodic tick re-checks free space
      AppendFailedException e = assertThrows(AppendFailedException.class, () -> append(store, "/d", 11, null, "lost"));
      assertTrue(e.getMessage().contains("disk is full"), e.getMessage());
      assertThrows(AppendFailedException.class, () -> append(store, "/other", 11, null, "lost"));
      TopicInfo info = store.info("/d").orElseThrow();
      assertEquals(10, info.lastSeq());
      assertEquals(10, info.retainedCount());
      assertEquals(10, Recorded.drain(store.openCursor("/d", StartPosition.BEGINNING)).size());
      assertEquals(List.of(), Recorded.drain(follower));
      store.commit();
      free.set(Long.MAX_VALUE);
      assertEquals(11, append(store, "/d", 12, null, "p11"));
      assertEquals(List.of(11L), Recorded.seqs(Recorded.drain(follower)));
    }
    try (HistoryStore store = HistoryStore.open(HistoryConfig.builder(dir).build())) {
      assertEquals(11, Recorded.drain(store.openCursor("/d", StartPosition.BEGINNING)).size());
    }
  }

  @Test
  void invalidConfigIsRejectedWithTheKeyName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HistoryConfig.builder(dir).rollPeriod(java.time.Duration.ofMinutes(7)).build());
    assertTrue(e.getMessage().contains("rollPeriod"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HistoryConfig.builder(dir).producerWindow(0).build());
    assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(-1, null, 0, false));
  }
}
