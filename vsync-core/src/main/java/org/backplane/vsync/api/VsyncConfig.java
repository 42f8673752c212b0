package org.backplane.vsync.api;

import java.time.Duration;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The engine's configuration: one immutable value, validated when built, readable from JSON with
 * {@link #fromJson(String)} (every key optional; the defaults suit a LAN). Durations in JSON are
 * ISO-8601 strings ({@code "PT0.1S"}) or numbers of seconds ({@code 0.1}). Usable from any thread.
 *
 * @param heartbeatInterval how often a process sends a heartbeat to a peer it has sent nothing else to
 * @param failureTimeout    silence after which a peer is suspected (then excluded by the coordinator)
 * @param tickInterval      how often the engine runs its timers
 * @param ackInterval       how often a member reports what it received (drives stability and safe delivery)
 * @param orderBatchDelay   how long the sequencer may hold order records to batch them (0: every pass)
 * @param maxOrderBatch     order records per batch at most
 * @param bundleDelay       how long the coordinator waits to bundle more joins, leaves and failures into one view change
 * @param flushTimeout      how long a view change may wait for a participant before excluding it too
 * @param joinRetry         how often a joining process repeats its request
 * @param joinTimeout       how long a joiner waits for any sign of the group before founding it (only the lowest id among those joining does)
 * @param sendWindow        messages a member may have sent and not yet seen held by every member; more block the sender
 * @param stateChunkBytes   state-transfer chunk size
 * @param stateWindowChunks state-transfer chunks in flight per joiner
 * @param maxFrameBytes     approximate bytes per link frame
 */
public record VsyncConfig(
        Duration heartbeatInterval,
        Duration failureTimeout,
        Duration tickInterval,
        Duration ackInterval,
        Duration orderBatchDelay,
        int maxOrderBatch,
        Duration bundleDelay,
        Duration flushTimeout,
        Duration joinRetry,
        Duration joinTimeout,
        int sendWindow,
        int stateChunkBytes,
        int stateWindowChunks,
        int maxFrameBytes) {

    /** The defaults: heartbeat 100 ms, failure timeout 1.5 s, send window 16384 messages. */
    public static final VsyncConfig DEFAULTS = new VsyncConfig(
            Duration.ofMillis(100), Duration.ofMillis(1500), Duration.ofMillis(1), Duration.ofMillis(1),
            Duration.ZERO, 4096, Duration.ofMillis(50), Duration.ofMillis(3000), Duration.ofMillis(300),
            Duration.ofMillis(2000), 16384, 256 * 1024, 8, 1 << 20);

    /** Validates every field. */
    public VsyncConfig {
        positive("heartbeatInterval", heartbeatInterval);
        positive("failureTimeout", failureTimeout);
        positive("tickInterval", tickInterval);
        positive("ackInterval", ackInterval);
        Objects.requireNonNull(orderBatchDelay, "orderBatchDelay");
        Objects.requireNonNull(bundleDelay, "bundleDelay");
        positive("flushTimeout", flushTimeout);
        positive("joinRetry", joinRetry);
        positive("joinTimeout", joinTimeout);
        if (orderBatchDelay.isNegative() || bundleDelay.isNegative()) {
            throw new IllegalArgumentException("orderBatchDelay and bundleDelay must be >= 0");
        }
        if (failureTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("failureTimeout (" + failureTimeout
                    + ") must be at least twice heartbeatInterval (" + heartbeatInterval + ")");
        }
        if (maxOrderBatch < 1 || sendWindow < 1 || stateChunkBytes < 1 || stateWindowChunks < 1 || maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxOrderBatch, sendWindow, stateChunkBytes, stateWindowChunks must be >= 1, maxFrameBytes >= 1024");
        }
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be > 0: " + d);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Reads a configuration from a JSON object; absent keys take the defaults, unknown keys and
     * invalid values are refused with an {@link IllegalArgumentException} that names them.
     */
    public static VsyncConfig fromJson(String json) {
        try {
            return JSON.readValue(json, VsyncConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException("bad engine configuration: " + cause.getMessage(), e);
        }
    }

    /** Jackson's entry point for {@link #fromJson(String)}; absent keys take the defaults. */
    @JsonCreator
    public static VsyncConfig fromJson(
            @JsonProperty("heartbeatInterval") Duration heartbeatInterval,
            @JsonProperty("failureTimeout") Duration failureTimeout,
            @JsonProperty("tickInterval") Duration tickInterval,
            @JsonProperty("ackInterval") Duration ackInterval,
            @JsonProperty("orderBatchDelay") Duration orderBatchDelay,
            @JsonProperty("maxOrderBatch") Integer maxOrderBatch,
            @JsonProperty("bundleDelay") Duration bundleDelay,
            @JsonProperty("flushTimeout") Duration flushTimeout,
            @JsonProperty("joinRetry") Duration joinRetry,
            @JsonProperty("joinTimeout") Duration joinTimeout,
            @JsonProperty("sendWindow") Integer sendWindow,
            @JsonProperty("stateChunkBytes") Integer stateChunkBytes,
            @JsonProperty("stateWindowChunks") Integer stateWindowChunks,
            @JsonProperty("maxFrameBytes") Integer maxFrameBytes) {
        VsyncConfig d = DEFAULTS;
        return new VsyncConfig(
                or(heartbeatInterval, d.heartbeatInterval), or(failureTimeout, d.failureTimeout),
                or(tickInterval, d.tickInterval), or(ackInterval, d.ackInterval),
                or(orderBatchDelay, d.orderBatchDelay), or(maxOrderBatch, d.maxOrderBatch),
                or(bundleDelay, d.bundleDelay), or(flushTimeout, d.flushTimeout),
                or(joinRetry, d.joinRetry), or(joinTimeout, d.joinTimeout),
                or(sendWindow, d.sendWindow), or(stateChunkBytes, d.stateChunkBytes),
                or(stateWindowChunks, d.stateWindowChunks), or(maxFrameBytes, d.maxFrameBytes));
    }

    private static <T> T or(T v, T dflt) {
        return v != null ? v : dflt;
    }

    /** A copy with different failure detection timings. */
    public VsyncConfig withFailureDetection(Duration heartbeat, Duration timeout) {
        return new VsyncConfig(heartbeat, timeout, tickInterval, ackInterval, orderBatchDelay, maxOrderBatch,
                bundleDelay, timeout.multipliedBy(2), joinRetry, joinTimeout, sendWindow, stateChunkBytes,
                stateWindowChunks, maxFrameBytes);
    }

    /** A copy with a different send window. */
    public VsyncConfig withSendWindow(int messages) {
        return new VsyncConfig(heartbeatInterval, failureTimeout, tickInterval, ackInterval, orderBatchDelay,
                maxOrderBatch, bundleDelay, flushTimeout, joinRetry, joinTimeout, messages, stateChunkBytes,
                stateWindowChunks, maxFrameBytes);
    }

    /** A copy with different timer, ack and bundling intervals. */
    public VsyncConfig withIntervals(Duration tick, Duration ack, Duration bundle, Duration joinRetryEvery, Duration joinWait) {
        return new VsyncConfig(heartbeatInterval, failureTimeout, tick, ack, orderBatchDelay, maxOrderBatch,
                bundle, flushTimeout, joinRetryEvery, joinWait, sendWindow, stateChunkBytes, stateWindowChunks,
                maxFrameBytes);
    }

    /** A copy with different state-transfer chunking. */
    public VsyncConfig withStateChunks(int chunkBytes, int windowChunks) {
        return new VsyncConfig(heartbeatInterval, failureTimeout, tickInterval, ackInterval, orderBatchDelay,
                maxOrderBatch, bundleDelay, flushTimeout, joinRetry, joinTimeout, sendWindow, chunkBytes,
                windowChunks, maxFrameBytes);
    }
}
