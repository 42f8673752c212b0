package org.backplane.client.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;

/**
 * A PUBLISH decoded without copying its key, headers and payload: they stay in the (retained)
 * network buffer the frame arrived in, and are handed out as {@link ByteBuffer} views. The server's
 * decoder produces these so a posting's bytes go from the socket buffer to the history log with
 * one copy and no per-posting array. Whoever holds a view must call {@link #release()} exactly
 * once when done (the buffers are invalid afterwards). Not thread-safe; may be passed to another
 * thread (release is thread-safe).
 */
public final class PublishView {
    private final long producerId;
    private final long producerSeq;
    private final String topic;
    private final ByteBuf frame;
    private final int keyIndex;
    private final int keyLength;
    private final int headersIndex;
    private final int headersLength;
    private final int payloadIndex;
    private final int payloadLength;

    PublishView(long producerId, long producerSeq, String topic, ByteBuf frame, int keyIndex, int keyLength,
                int headersIndex, int headersLength, int payloadIndex, int payloadLength) {
        this.producerId = producerId;
        this.producerSeq = producerSeq;
        this.topic = topic;
        this.frame = frame;
        this.keyIndex = keyIndex;
        this.keyLength = keyLength;
        this.headersIndex = headersIndex;
        this.headersLength = headersLength;
        this.payloadIndex = payloadIndex;
        this.payloadLength = payloadLength;
    }

    /** The producer id. */
    public long producerId() {
        return producerId;
    }

    /** The producer sequence number. */
    public long producerSeq() {
        return producerSeq;
    }

    /** The topic as sent (not yet validated). */
    public String topic() {
        return topic;
    }

    /** The key bytes, or null if absent. A new view each call. */
    public ByteBuffer key() {
        return keyLength < 0 ? null : frame.nioBuffer(keyIndex, keyLength);
    }

    /** The headers block, or null if absent. A new view each call. */
    public ByteBuffer headers() {
        return headersLength < 0 ? null : frame.nioBuffer(headersIndex, headersLength);
    }

    /** The payload bytes. A new view each call. */
    public ByteBuffer payload() {
        return frame.nioBuffer(payloadIndex, payloadLength);
    }

    /** Key + headers + payload bytes (absent parts count 0). */
    public long size() {
        return (long) Math.max(0, keyLength) + Math.max(0, headersLength) + payloadLength;
    }

    /** Returns the network buffer; the views are invalid afterwards. Any thread, exactly once. */
    public void release() {
        frame.release();
    }
}
