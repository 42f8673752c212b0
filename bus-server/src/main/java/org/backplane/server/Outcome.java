package org.backplane.server;

import org.backplane.client.protocol.ErrorCode;

/**
 * What became of one submission: appended (or recognised as a duplicate) at {@code topic} /
 * {@code seq}, or refused with {@code code} and a sentence. {@code code == NONE} means success.
 */
record Outcome(long producerSeq, String topic, long seq, long timestampMillis, ErrorCode code, String message) {
    static Outcome acked(long producerSeq, String topic, long seq, long timestampMillis) {
        return new Outcome(producerSeq, topic, seq, timestampMillis, ErrorCode.NONE, null);
    }

    static Outcome refused(long producerSeq, ErrorCode code, String message) {
        return new Outcome(producerSeq, null, 0, 0, code, message);
    }

    boolean ok() {
        return code == ErrorCode.NONE;
    }
}
