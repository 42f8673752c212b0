package org.backplane.cli.bench;

import java.time.Duration;

/**
 * What a benchmark run does. Validated when built.
 *
 * @param messageBytes payload size of every message, at least {@value #MIN_MESSAGE_BYTES} (it
 *     carries the send time, the expected seq, the phase and the publisher)
 * @param publishers publisher connections, one thread and one topic each
 * @param subscribers subscriber connections, each subscribed to every publisher's topic
 * @param duration how long the measured phase publishes
 * @param warmup how long the unmeasured warmup phase publishes first (may be zero)
 * @param rate messages per second over all publishers, paced on a fixed schedule; 0 = as fast
 *     as possible (throughput mode)
 * @param windowBytes in throughput mode, how far (in payload bytes) a publisher may run ahead of
 *     the slowest subscriber
 */
public record BenchSettings(int messageBytes, int publishers, int subscribers, Duration duration, Duration warmup,
                            long rate, long windowBytes) {
    /** Smallest message: send nanoTime (8), seq (8), phase (1), publisher (2), padding. */
    public static final int MIN_MESSAGE_BYTES = 24;

    /** Validates every value; the message names the bad one. */
    public BenchSettings {
        if (messageBytes < MIN_MESSAGE_BYTES || messageBytes > 16 << 20) {
            throw new IllegalArgumentException("message size must be " + MIN_MESSAGE_BYTES + ".." + (16 << 20)
                    + " bytes, got " + messageBytes);
        }
        if (publishers < 1 || publishers > 256) {
            throw new IllegalArgumentException("publishers must be 1..256, got " + publishers);
        }
        if (subscribers < 1 || subscribers > 256) {
            throw new IllegalArgumentException("subscribers must be 1..256, got " + subscribers);
        }
        if (duration == null || duration.toMillis() < 100) {
            throw new IllegalArgumentException("duration must be at least 100ms, got " + duration);
        }
        if (warmup == null || warmup.isNegative()) {
            throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        }
        if (rate < 0 || rate > 100_000_000) {
            throw new IllegalArgumentException("rate must be 0 (as fast as possible) .. 100000000 msgs/s, got " + rate);
        }
        if (rate > 0 && rate < publishers) {
            throw new IllegalArgumentException("rate " + rate + " msgs/s is below one per second per publisher");
        }
        if (windowBytes < messageBytes) {
            throw new IllegalArgumentException("window must hold at least one message (" + messageBytes
                    + " bytes), got " + windowBytes);
        }
    }

    /** True when the publishers send as fast as they can. */
    public boolean throughputMode() {
        return rate == 0;
    }

    /** In throughput mode, messages a publisher may be ahead of the slowest subscriber. */
    public long windowMessages() {
        return Math.max(1, windowBytes / messageBytes);
    }
}
