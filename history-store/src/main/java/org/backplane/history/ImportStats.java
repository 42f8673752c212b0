package org.backplane.history;

/**
 * What {@link HistoryStore#importFrom} did.
 *
 * @param topics  topics seen in the stream
 * @param entries entries appended
 * @param skipped entries skipped because the store already held their seq
 */
public record ImportStats(int topics, long entries, long skipped) {
}
