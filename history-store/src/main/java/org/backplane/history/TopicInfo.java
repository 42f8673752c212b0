package org.backplane.history;

/**
 * What a topic's history holds right now.
 *
 * @param name                the topic name
 * @param firstSeq            the first retained seq; {@code lastSeq + 1} when nothing is retained
 * @param lastSeq             the highest seq ever appended (0 for none); never goes down
 * @param retainedCount       how many entries are retained
 * @param retainedBytes       the stored size of the retained entries (record header, key,
 *                            headers and payload)
 * @param lastTimestampMillis timestamp of the entry with seq {@code lastSeq}, 0 if none
 */
public record TopicInfo(String name, long firstSeq, long lastSeq, long retainedCount,
                        long retainedBytes, long lastTimestampMillis) {
}
