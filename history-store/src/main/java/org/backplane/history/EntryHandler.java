package org.backplane.history;

/**
 * Receives the entries a {@link HistoryCursor#poll} delivers.
 *
 * <p>Called on the thread that calls {@code poll}, once per entry, in delivery order. The
 * {@link Entry} is a flyweight valid only for the duration of the call.
 */
@FunctionalInterface
public interface EntryHandler {
  /** Handles one entry; must not keep {@code entry} after returning. */
  void onEntry(Entry entry);
}
