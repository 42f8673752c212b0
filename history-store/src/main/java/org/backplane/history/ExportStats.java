package org.backplane.history;

/**
 * What {@link HistoryStore#export} wrote.
 *
 * @param topics  topics written (including those with no entries in range)
 * @param entries entries written
 * @param bytes   bytes written to the stream
 */
public record ExportStats(int topics, long entries, long bytes) {
}
