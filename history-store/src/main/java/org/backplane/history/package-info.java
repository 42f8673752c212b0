/**
 * The per-topic history log of a Backplane server, on Chronicle Queue.
 *
 * <p>Guarantees this package provides to the bus (GUARANTEES.md): B1 (a topic's entries are
 * numbered 1, 2, 3, ... and keep their numbers through restart, export and import), B2 (a
 * {@link org.backplane.history.HistoryCursor} replays and then follows one stream with no gap
 * and no duplicate, in the store's global append order across topics, which carries B5),
 * B3 support ({@link org.backplane.history.HistoryStore#findAppended}) and B6 (reads return
 * exactly what the topic's {@link org.backplane.history.RetentionPolicy} keeps).
 *
 * <p>Threads: one writer thread appends, commits, maintains and imports; cursors, info and
 * export may be used from any thread. The store knows nothing of networks or topic syntax.
 * The design is described in {@code history-store/README.md}.
 */
package org.backplane.history;
