package org.backplane.client;

import java.time.Instant;

/**
 * Where a subscription starts, per matching topic. Create with the static factories. Replay
 * from the position and the live stream after it are one stream: no gap, no duplicate (B2).
 * Immutable and thread-safe.
 */
public sealed interface StartPosition {
    /** Each topic from its first retained posting. */
    static StartPosition fromStart() {
        return FromStart.INSTANCE;
    }

    /** Each topic from seq {@code seq} (or its first retained one, if that is later); seq >= 1. */
    static StartPosition fromSeq(long seq) {
        return new FromSeq(seq);
    }

    /** Each topic from its first posting stamped at or after {@code time}. */
    static StartPosition fromTime(Instant time) {
        return new FromTime(time);
    }

    /** The last {@code n} retained postings of each topic, then live; n >= 0. */
    static StartPosition lastN(long n) {
        return new LastN(n);
    }

    /** Only postings appended after the subscription opens. */
    static StartPosition now() {
        return Now.INSTANCE;
    }

    /** See {@link #fromStart()}. */
    enum FromStart implements StartPosition { INSTANCE }

    /** See {@link #now()}. */
    enum Now implements StartPosition { INSTANCE }

    /** See {@link #fromSeq(long)}. */
    record FromSeq(long seq) implements StartPosition {
        /** Validates seq >= 1. */
        public FromSeq {
            if (seq < 1) {
                throw new IllegalArgumentException("seq must be >= 1 (topics are numbered from 1), got " + seq);
            }
        }
    }

    /** See {@link #fromTime(Instant)}. */
    record FromTime(Instant time) implements StartPosition {
        /** Validates the time is not null and not before the epoch. */
        public FromTime {
            if (time == null || time.toEpochMilli() < 0) {
                throw new IllegalArgumentException("time must be at or after 1970-01-01T00:00:00Z, got " + time);
            }
        }
    }

    /** See {@link #lastN(long)}. */
    record LastN(long n) implements StartPosition {
        /** Validates n >= 0. */
        public LastN {
            if (n < 0) {
                throw new IllegalArgumentException("n must be >= 0, got " + n);
            }
        }
    }
}
