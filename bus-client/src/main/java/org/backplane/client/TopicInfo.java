package org.backplane.client;

import java.time.Instant;

/**
 * One topic as the server holds it: what its retention policy currently keeps.
 *
 * @param name the topic name
 * @param retainedCount postings retained
 * @param firstSeq seq of the first retained posting (0 if none)
 * @param lastSeq seq of the last posting ever appended (0 if none)
 * @param retainedBytes bytes retained (key, headers and payload)
 * @param lastTimestamp when the last posting was appended ({@link Instant#EPOCH} if none)
 */
public record TopicInfo(String name, long retainedCount, long firstSeq, long lastSeq, long retainedBytes,
                        Instant lastTimestamp) {}
