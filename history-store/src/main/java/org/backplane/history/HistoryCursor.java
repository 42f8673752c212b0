package org.backplane.history;

import java.util.Map;

/**
 * A reader over one topic or a set of topics that replays history from a
 * {@link StartPosition} and then follows new appends as one stream, with no gap and no
 * duplicate (B2).
 *
 * <p>A cursor is confined to one thread at a time (for the server: the Netty event loop of
 * the subscription); different cursors may be polled on different threads concurrently with
 * the writer. {@link #poll} never blocks and never spins: when it returns 0 the caller waits
 * until the writer signals new appends (the server wakes its cursors itself).
 */
public interface HistoryCursor extends AutoCloseable {
  /**
   * Delivers up to {@code limit} entries to {@code handler} on the calling thread and returns
   * how many it delivered; 0 when nothing new is available. A topic-filter cursor delivers in
   * the store's global append order, a single-topic cursor in seq order. Entries that the
   * retention policy no longer keeps are never delivered.
   *
   * @throws IllegalStateException if the cursor or the store is closed
   */
  int poll(EntryHandler handler, int limit);

  /**
   * The next seq this cursor would deliver per topic it has touched (delivered from, or
   * positioned in): feed it to {@link StartPosition.Resume} to continue elsewhere. A new map.
   */
  Map<String, Long> positions();

  /** Releases the cursor's resources; idempotent. Call on the polling thread. */
  @Override
  void close();
}
