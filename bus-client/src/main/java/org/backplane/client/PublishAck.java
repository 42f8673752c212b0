package org.backplane.client;

import java.time.Instant;

/**
 * The server stored a posting: it is {@code seq} in {@code topic}, stamped {@code timestamp}.
 * For a retried posting the server had already stored, these are the original topic and seq
 * (exactly-once publish, GUARANTEES.md B3).
 *
 * @param topic the topic the posting went to
 * @param seq its sequence number in that topic (1, 2, 3, ...)
 * @param timestamp when the server appended it
 * @param producerSeq the client's sequence number for the posting (unique per client)
 */
public record PublishAck(String topic, long seq, Instant timestamp, long producerSeq) {}
