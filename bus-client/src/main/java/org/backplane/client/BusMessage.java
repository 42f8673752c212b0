package org.backplane.client;

import org.backplane.client.protocol.HeadersCodec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * One delivered posting: topic, seq, timestamp, key, headers, payload. Built on the client's I/O
 * thread and handed to one {@link MessageHandler}; immutable in practice (the arrays it returns
 * are its own: do not change them), safe to keep and to pass to other threads.
 */
public final class BusMessage {
    private final String topic;
    private final long seq;
    private final long timestampMillis;
    private final byte[] key;
    private final byte[] headerBlock;
    private final byte[] payload;
    private Map<String, String> headers;

    /** Creates a message (the client builds these; public for tests and tools). */
    public BusMessage(String topic, long seq, long timestampMillis, byte[] key, byte[] headerBlock, byte[] payload) {
        this.topic = topic;
        this.seq = seq;
        this.timestampMillis = timestampMillis;
        this.key = key;
        this.headerBlock = headerBlock;
        this.payload = payload;
    }

    /** The topic it was posted to. */
    public String topic() {
        return topic;
    }

    /** Its sequence number in the topic (1, 2, 3, ...; compacted topics have holes). */
    public long seq() {
        return seq;
    }

    /** When the server appended it. */
    public Instant timestamp() {
        return Instant.ofEpochMilli(timestampMillis);
    }

    /** When the server appended it, in epoch milliseconds. */
    public long timestampMillis() {
        return timestampMillis;
    }

    /** The key bytes, or null if it has none. */
    public byte[] key() {
        return key;
    }

    /** The key as UTF-8 text, or null if it has none. */
    public String keyAsText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The headers in the order they were posted; empty if none. Decoded on first call. */
    public Map<String, String> headers() {
        Map<String, String> h = headers;
        if (h == null) {
            h = HeadersCodec.decode(headerBlock);
            headers = h;
        }
        return h;
    }

    /** The payload bytes. */
    public byte[] payload() {
        return payload;
    }

    /** The payload as UTF-8 text. */
    public String payloadAsText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "BusMessage[" + topic + " #" + seq + " at " + timestamp() + ", " + payload.length + " bytes]";
    }
}
