package org.backplane.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link Frame} records into bytes and back, exactly as docs/PROTOCOL.md lays them out:
 * every frame is {@code u32 length | u8 type | u8 flags | body}, big-endian, where
 * {@code length} counts the bytes after itself. The static {@code write*} methods append one
 * whole frame to a buffer (the hot paths use them to batch many frames into one buffer);
 * {@link #decode} parses one frame's bytes.
 *
 * <p>Decoding never trusts a length field: every variable-size field is checked against the
 * bytes left in the frame before anything is allocated, so a frame never costs more memory than
 * its own size, and a bad frame raises only {@link ProtocolException}. An instance keeps a small
 * cache of decoded topic names (so a stream of postings to the same topics does not build a new
 * String per frame); it belongs to one connection and is not thread-safe. The static methods
 * are thread-safe.
 */
public final class FrameCodec {
    /** The magic number at the start of HELLO: ASCII "BPLN". */
    public static final int MAGIC = 0x42504C4E;
    /** The protocol version this code speaks. */
    public static final int PROTOCOL_VERSION = 1;
    /** Bytes before a frame's body: u32 length, u8 type, u8 flags. */
    public static final int HEADER_BYTES = 6;
    /** Bytes of the length prefix. */
    public static final int LENGTH_BYTES = 4;
    /** Fixed bytes of a MESSAGE frame besides key, headers and payload (see {@link #writeMessage}). */
    public static final int MESSAGE_OVERHEAD_BYTES = HEADER_BYTES + 4 + 4 + 8 + 8 + 4 + 4 + 4;
    /** Fixed bytes of a PUBLISH frame besides topic, key, headers and payload. */
    public static final int PUBLISH_OVERHEAD_BYTES = HEADER_BYTES + 8 + 8 + 2 + 4 + 4 + 4;

    private static final int INTERN_SLOTS = 1024; // power of two
    private final String[] internStrings = new String[INTERN_SLOTS];
    private final byte[][] internBytes = new byte[INTERN_SLOTS][];

    // ------------------------------------------------------------------ encoding

    /** Starts a frame of {@code type} in {@code out}; returns the index to pass to {@link #endFrame}. */
    public static int beginFrame(ByteBuf out, int type) {
        int start = out.writerIndex();
        out.writeInt(0);
        out.writeByte(type);
        out.writeByte(0);
        return start;
    }

    /** Completes the frame begun at {@code start} by writing its length prefix. */
    public static void endFrame(ByteBuf out, int start) {
        out.setInt(start, out.writerIndex() - start - LENGTH_BYTES);
    }

    /** Writes a u16-length-prefixed UTF-8 string. */
    public static void writeString(ByteBuf out, String s) {
        if (s.length() <= 0xFFFF / 3) {
            // short enough that even 3 bytes per char fit: encode once, patch the length after
            int at = out.writerIndex();
            out.writeShort(0);
            int length = ByteBufUtil.writeUtf8(out, s);
            out.setShort(at, length);
            return;
        }
        int length = ByteBufUtil.utf8Bytes(s);
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("string of " + length + " UTF-8 bytes exceeds the 65535 limit");
        }
        out.writeShort(length);
        ByteBufUtil.writeUtf8(out, s);
    }

    /** Writes an i32-length-prefixed byte block, length -1 for null (absent). */
    public static void writeBlob(ByteBuf out, byte[] bytes) {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.writeBytes(bytes);
        }
    }

    /** Appends one PUBLISH frame (hot path: no intermediate record). */
    public static void writePublish(ByteBuf out, long producerId, long producerSeq, String topic, byte[] key,
                                    byte[] headers, byte[] payload) {
        int start = beginFrame(out, FrameType.PUBLISH);
        out.writeLong(producerId);
        out.writeLong(producerSeq);
        writeString(out, topic);
        writeBlob(out, key);
        writeBlob(out, headers);
        out.writeInt(payload.length);
        out.writeBytes(payload);
        endFrame(out, start);
    }

    /** Appends one ACK frame. */
    public static void writeAck(ByteBuf out, long producerSeq, String topic, long seq, long timestampMillis) {
        int start = beginFrame(out, FrameType.ACK);
        out.writeLong(producerSeq);
        writeString(out, topic);
        out.writeLong(seq);
        out.writeLong(timestampMillis);
        endFrame(out, start);
    }

    /** Appends one ACK_RANGE frame. */
    public static void writeAckRange(ByteBuf out, long firstProducerSeq, int count, String topic, long firstSeq,
                                     long timestampMillis) {
        int start = beginFrame(out, FrameType.ACK_RANGE);
        out.writeLong(firstProducerSeq);
        out.writeInt(count);
        writeString(out, topic);
        out.writeLong(firstSeq);
        out.writeLong(timestampMillis);
        endFrame(out, start);
    }

    /** Appends one NACK frame. */
    public static void writeNack(ByteBuf out, long producerSeq, ErrorCode code, String message) {
        int start = beginFrame(out, FrameType.NACK);
        out.writeLong(producerSeq);
        out.writeShort(code.code());
        writeString(out, clip(message));
        endFrame(out, start);
    }

    /**
     * Appends one MESSAGE frame whose key, headers and payload the caller writes itself: this
     * writes the fixed part up to and including the key length; the caller then writes the key
     * bytes, the headers length and bytes, the payload length and bytes (as {@link #writeBlob}
     * would), then calls {@link #endFrame}. Returns the frame start.
     */
    public static int beginMessage(ByteBuf out, int subscriptionId, int alias, long seq, long timestampMillis) {
        int start = beginFrame(out, FrameType.MESSAGE);
        out.writeInt(subscriptionId);
        out.writeInt(alias);
        out.writeLong(seq);
        out.writeLong(timestampMillis);
        return start;
    }

    /** Appends one whole MESSAGE frame. */
    public static void writeMessage(ByteBuf out, int subscriptionId, int alias, long seq, long timestampMillis,
                                    byte[] key, byte[] headers, byte[] payload) {
        int start = beginMessage(out, subscriptionId, alias, seq, timestampMillis);
        writeBlob(out, key);
        writeBlob(out, headers);
        out.writeInt(payload.length);
        out.writeBytes(payload);
        endFrame(out, start);
    }

    /** Appends {@code frame} to {@code out}. Any thread. */
    public static void encode(Frame frame, ByteBuf out) {
        if (frame instanceof Frame.Publish p) {
            writePublish(out, p.producerId(), p.producerSeq(), p.topic(), p.key(), p.headers(), p.payload());
        } else if (frame instanceof Frame.Ack a) {
            writeAck(out, a.producerSeq(), a.topic(), a.seq(), a.timestampMillis());
        } else if (frame instanceof Frame.Nack n) {
            writeNack(out, n.producerSeq(), n.code(), n.message());
        } else if (frame instanceof Frame.AckRange a) {
            writeAckRange(out, a.firstProducerSeq(), a.count(), a.topic(), a.firstSeq(), a.timestampMillis());
        } else if (frame instanceof Frame.Message m) {
            writeMessage(out, m.subscriptionId(), m.alias(), m.seq(), m.timestampMillis(), m.key(), m.headers(),
                    m.payload());
        } else {
            int start = beginFrame(out, frame.type());
            encodeBody(frame, out);
            endFrame(out, start);
        }
    }

    private static void encodeBody(Frame frame, ByteBuf out) {
        if (frame instanceof Frame.Hello h) {
            out.writeInt(MAGIC);
            out.writeShort(h.protocolVersion());
            out.writeLong(h.producerId());
            writeString(out, clip(h.clientName()));
        } else if (frame instanceof Frame.Welcome w) {
            out.writeInt(MAGIC);
            out.writeShort(w.protocolVersion());
            writeString(out, w.serverId());
            writeString(out, w.serverVersion());
            out.writeInt(w.maxFrameBytes());
            out.writeInt(w.maxMessageBytes());
            out.writeInt(w.maxInFlight());
            out.writeInt(w.maxSubscriptions());
        } else if (frame instanceof Frame.Ping p) {
            out.writeLong(p.nonce());
        } else if (frame instanceof Frame.Pong p) {
            out.writeLong(p.nonce());
        } else if (frame instanceof Frame.ErrorFrame e) {
            out.writeShort(e.code().code());
            out.writeByte(e.closing() ? 1 : 0);
            writeString(out, clip(e.message()));
        } else if (frame instanceof Frame.Subscribe s) {
            out.writeInt(s.subscriptionId());
            writeString(out, s.pattern());
            out.writeByte(s.start().kind());
            out.writeLong(s.start().value());
            writeTopicSeqs(out, s.start().resume());
            out.writeInt(s.credits());
        } else if (frame instanceof Frame.StartSeqs s) {
            out.writeInt(s.subscriptionId());
            writeTopicSeqs(out, s.startSeqs());
        } else if (frame instanceof Frame.Subscribed s) {
            out.writeInt(s.subscriptionId());
            out.writeLong(s.serverTimeMillis());
        } else if (frame instanceof Frame.TopicAlias a) {
            out.writeInt(a.alias());
            writeString(out, a.topic());
        } else if (frame instanceof Frame.Credit c) {
            out.writeInt(c.subscriptionId());
            out.writeInt(c.credits());
        } else if (frame instanceof Frame.Unsubscribe u) {
            out.writeInt(u.subscriptionId());
        } else if (frame instanceof Frame.SubscriptionEnd e) {
            out.writeInt(e.subscriptionId());
            out.writeShort(e.code().code());
            writeString(out, clip(e.message()));
        } else if (frame instanceof Frame.TopicsRequest t) {
            out.writeInt(t.requestId());
            writeString(out, t.pattern());
        } else if (frame instanceof Frame.TopicsReply t) {
            out.writeInt(t.requestId());
            out.writeInt(t.topics().size());
            for (Frame.TopicEntry e : t.topics()) {
                writeString(out, e.name());
                out.writeLong(e.retainedCount());
                out.writeLong(e.firstSeq());
                out.writeLong(e.lastSeq());
                out.writeLong(e.retainedBytes());
                out.writeLong(e.lastTimestampMillis());
            }
        } else if (frame instanceof Frame.StatusRequest s) {
            out.writeInt(s.requestId());
        } else if (frame instanceof Frame.StatusReply s) {
            out.writeInt(s.requestId());
            writeString(out, s.serverId());
            writeString(out, s.serverVersion());
            out.writeLong(s.startedAtMillis());
            out.writeLong(s.uptimeMillis());
            out.writeInt(s.connections());
            out.writeInt(s.subscriptions());
            out.writeInt(s.topics());
            out.writeLong(s.published());
            out.writeLong(s.delivered());
            out.writeLong(s.rejected());
        } else {
            throw new IllegalArgumentException("no encoder for " + frame);
        }
    }

    /**
     * Writes a topic to seq map as {@code u32 count} and, in name order, {@code count} entries of
     * {@code u8 shared, u16 suffixLength, suffix bytes, u64 seq}: each name is the first
     * {@code shared} bytes of the previous entry's name followed by the suffix (front coding, so a
     * resume map or start snapshot of many topics under one prefix costs little more than its
     * seqs). Any thread.
     */
    public static void writeTopicSeqs(ByteBuf out, Map<String, Long> seqs) {
        out.writeInt(seqs.size());
        Map<String, Long> sorted = seqs instanceof java.util.SortedMap ? seqs : new java.util.TreeMap<>(seqs);
        byte[] previous = new byte[0];
        for (Map.Entry<String, Long> e : sorted.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            int shared = 0;
            int max = Math.min(0xFF, Math.min(name.length, previous.length));
            while (shared < max && name[shared] == previous[shared]) {
                shared++;
            }
            if (name.length > MAX_TOPIC_SEQ_NAME_BYTES) {
                throw new IllegalArgumentException("topic name of " + name.length + " bytes exceeds the "
                        + MAX_TOPIC_SEQ_NAME_BYTES + " limit");
            }
            out.writeByte(shared);
            out.writeShort(name.length - shared);
            out.writeBytes(name, shared, name.length - shared);
            out.writeLong(e.getValue());
            previous = name;
        }
    }

    /** Longest name in a topic to seq map (a topic name's limit, {@code TopicName.MAX_LENGTH}). */
    static final int MAX_TOPIC_SEQ_NAME_BYTES = 255;

    /** Bytes {@link #writeTopicSeqs} needs at most for one entry of a name of {@code nameBytes}. */
    public static int topicSeqBytes(int nameBytes) {
        return 1 + 2 + nameBytes + 8;
    }

    /** Keeps human-readable strings within a u16 length (error sentences, client names). */
    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 4096 ? s.substring(0, 4096) + "..." : s;
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Parses one frame. {@code frame} holds exactly the bytes after the length prefix (type,
     * flags, body); its reader index is advanced to the end. Not thread-safe (topic cache).
     *
     * @throws ProtocolException for an unknown type (not fatal: the frame can be skipped), or for
     *     a body that does not parse exactly (fatal)
     */
    public Frame decode(ByteBuf frame) throws ProtocolException {
        int type = readTypeAndFlags(frame);
        Frame result;
        try {
            result = decodeBody(type, frame);
        } catch (IllegalArgumentException e) {
            throw malformed(FrameType.name(type) + " frame: " + e.getMessage());
        }
        if (frame.isReadable()) {
            throw malformed(FrameType.name(type) + " frame has " + frame.readableBytes() + " unexpected trailing bytes");
        }
        return result;
    }

    /**
     * Like {@link #decode}, but a PUBLISH comes back as a {@link PublishView} over the retained
     * frame bytes instead of a {@link Frame.Publish} with copied arrays (the server's hot path).
     * Returns a {@link Frame} or a {@link PublishView}. Not thread-safe (topic cache).
     */
    public Object decodeRetainingPublish(ByteBuf frame) throws ProtocolException {
        if (frame.readableBytes() >= 2 && frame.getUnsignedByte(frame.readerIndex()) == FrameType.PUBLISH) {
            readTypeAndFlags(frame);
            try {
                return decodePublishView(frame);
            } catch (IllegalArgumentException e) {
                throw malformed("PUBLISH frame: " + e.getMessage());
            }
        }
        return decode(frame);
    }

    private static int readTypeAndFlags(ByteBuf frame) throws ProtocolException {
        if (frame.readableBytes() < 2) {
            throw malformed("frame of " + frame.readableBytes() + " bytes is shorter than its type and flags");
        }
        int type = frame.readUnsignedByte();
        int flags = frame.readUnsignedByte();
        if (flags != 0) {
            throw malformed(FrameType.name(type) + " frame has flags 0x" + Integer.toHexString(flags)
                    + "; protocol version 1 requires 0");
        }
        return type;
    }

    private Frame decodeBody(int type, ByteBuf in) throws ProtocolException {
        switch (type) {
            case FrameType.HELLO: {
                need(in, 4 + 2 + 8, "HELLO");
                int magic = in.readInt();
                if (magic != MAGIC) {
                    throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
                            "HELLO magic is 0x" + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC)
                                    + " (is this a Backplane client?)", true);
                }
                int version = in.readUnsignedShort();
                long producerId = in.readLong();
                return new Frame.Hello(version, producerId, readString(in, "client name"));
            }
            case FrameType.WELCOME: {
                need(in, 4 + 2, "WELCOME");
                int magic = in.readInt();
                if (magic != MAGIC) {
                    throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
                            "WELCOME magic is 0x" + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC), true);
                }
                int version = in.readUnsignedShort();
                String serverId = readString(in, "server id");
                String serverVersion = readString(in, "server version");
                need(in, 16, "WELCOME limits");
                return new Frame.Welcome(version, serverId, serverVersion, in.readInt(), in.readInt(), in.readInt(),
                        in.readInt());
            }
            case FrameType.PING: {
                need(in, 8, "PING");
                return new Frame.Ping(in.readLong());
            }
            case FrameType.PONG: {
                need(in, 8, "PONG");
                return new Frame.Pong(in.readLong());
            }
            case FrameType.ERROR: {
                need(in, 3, "ERROR");
                ErrorCode code = ErrorCode.of(in.readUnsignedShort());
                boolean closing = in.readUnsignedByte() != 0;
                return new Frame.ErrorFrame(code, closing, readString(in, "error message"));
            }
            case FrameType.PUBLISH: {
                need(in, 16, "PUBLISH");
                long producerId = in.readLong();
                long producerSeq = in.readLong();
                String topic = readTopic(in);
                byte[] key = readBlob(in, "key", true);
                byte[] headers = readBlob(in, "headers", true);
                byte[] payload = readBlob(in, "payload", false);
                return new Frame.Publish(producerId, producerSeq, topic, key, headers, payload);
            }
            case FrameType.ACK: {
                need(in, 8, "ACK");
                long producerSeq = in.readLong();
                String topic = readTopic(in);
                need(in, 16, "ACK");
                return new Frame.Ack(producerSeq, topic, in.readLong(), in.readLong());
            }
            case FrameType.ACK_RANGE: {
                need(in, 12, "ACK_RANGE");
                long firstProducerSeq = in.readLong();
                int count = in.readInt();
                if (count < 1) {
                    throw malformed("ACK_RANGE count " + count + " must be >= 1");
                }
                String topic = readTopic(in);
                need(in, 16, "ACK_RANGE");
                return new Frame.AckRange(firstProducerSeq, count, topic, in.readLong(), in.readLong());
            }
            case FrameType.NACK: {
                need(in, 10, "NACK");
                long producerSeq = in.readLong();
                ErrorCode code = ErrorCode.of(in.readUnsignedShort());
                return new Frame.Nack(producerSeq, code, readString(in, "NACK message"));
            }
            case FrameType.SUBSCRIBE: {
                need(in, 4, "SUBSCRIBE");
                int id = in.readInt();
                String pattern = readString(in, "pattern");
                need(in, 1 + 8, "SUBSCRIBE start");
                int kind = in.readUnsignedByte();
                long value = in.readLong();
                Map<String, Long> resume = readTopicSeqs(in, "SUBSCRIBE resume map");
                need(in, 4, "SUBSCRIBE credits");
                int credits = in.readInt();
                return new Frame.Subscribe(id, pattern, new Frame.WireStart(kind, value, resume), credits);
            }
            case FrameType.START_SEQS: {
                need(in, 4, "START_SEQS");
                int id = in.readInt();
                return new Frame.StartSeqs(id, readTopicSeqs(in, "START_SEQS"));
            }
            case FrameType.SUBSCRIBED: {
                need(in, 12, "SUBSCRIBED");
                return new Frame.Subscribed(in.readInt(), in.readLong());
            }
            case FrameType.TOPIC_ALIAS: {
                need(in, 4, "TOPIC_ALIAS");
                return new Frame.TopicAlias(in.readInt(), readTopic(in));
            }
            case FrameType.MESSAGE: {
                need(in, 24, "MESSAGE");
                int id = in.readInt();
                int alias = in.readInt();
                long seq = in.readLong();
                long timestamp = in.readLong();
                byte[] key = readBlob(in, "key", true);
                byte[] headers = readBlob(in, "headers", true);
                byte[] payload = readBlob(in, "payload", false);
                return new Frame.Message(id, alias, seq, timestamp, key, headers, payload);
            }
            case FrameType.CREDIT: {
                need(in, 8, "CREDIT");
                return new Frame.Credit(in.readInt(), in.readInt());
            }
            case FrameType.UNSUBSCRIBE: {
                need(in, 4, "UNSUBSCRIBE");
                return new Frame.Unsubscribe(in.readInt());
            }
            case FrameType.SUBSCRIPTION_END: {
                need(in, 6, "SUBSCRIPTION_END");
                int id = in.readInt();
                ErrorCode code = ErrorCode.of(in.readUnsignedShort());
                return new Frame.SubscriptionEnd(id, code, readString(in, "message"));
            }
            case FrameType.TOPICS: {
                need(in, 4, "TOPICS");
                return new Frame.TopicsRequest(in.readInt(), readString(in, "pattern"));
            }
            case FrameType.TOPICS_REPLY: {
                need(in, 8, "TOPICS_REPLY");
                int id = in.readInt();
                int count = in.readInt();
                if (count < 0 || (long) count * 42 > in.readableBytes()) {
                    throw malformed("TOPICS_REPLY claims " + count + " topics but " + in.readableBytes() + " bytes remain");
                }
                List<Frame.TopicEntry> topics = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    String name = readTopic(in);
                    need(in, 40, "TOPICS_REPLY entry");
                    topics.add(new Frame.TopicEntry(name, in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                            in.readLong()));
                }
                return new Frame.TopicsReply(id, topics);
            }
            case FrameType.STATUS: {
                need(in, 4, "STATUS");
                return new Frame.StatusRequest(in.readInt());
            }
            case FrameType.STATUS_REPLY: {
                need(in, 4, "STATUS_REPLY");
                int id = in.readInt();
                String serverId = readString(in, "server id");
                String version = readString(in, "server version");
                need(in, 8 + 8 + 4 + 4 + 4 + 8 + 8 + 8, "STATUS_REPLY");
                return new Frame.StatusReply(id, serverId, version, in.readLong(), in.readLong(), in.readInt(),
                        in.readInt(), in.readInt(), in.readLong(), in.readLong(), in.readLong());
            }
            default: {
                in.skipBytes(in.readableBytes());
                throw new ProtocolException(ErrorCode.UNKNOWN_FRAME,
                        "unknown frame type " + FrameType.name(type) + "; skipped", false);
            }
        }
    }

    /**
     * Parses a PUBLISH frame (positioned after type and flags) into a {@link PublishView} over a
     * retained slice of {@code frame}: no bytes are copied. Same checks as {@link #decode}.
     */
    PublishView decodePublishView(ByteBuf in) throws ProtocolException {
        need(in, 16, "PUBLISH");
        long producerId = in.readLong();
        long producerSeq = in.readLong();
        String topic = readTopic(in);
        int keyIndex = in.readerIndex() + 4;
        int keyLength = skipBlob(in, "key", true);
        int headersIndex = in.readerIndex() + 4;
        int headersLength = skipBlob(in, "headers", true);
        int payloadIndex = in.readerIndex() + 4;
        int payloadLength = skipBlob(in, "payload", false);
        if (in.isReadable()) {
            throw malformed("PUBLISH frame has " + in.readableBytes() + " unexpected trailing bytes");
        }
        // one retain for the whole frame; the views index into it
        return new PublishView(producerId, producerSeq, topic, in.retain(), keyIndex, keyLength, headersIndex,
                headersLength, payloadIndex, payloadLength);
    }

    /** Reads what {@link #writeTopicSeqs} wrote; the map iterates in the order sent. */
    private static Map<String, Long> readTopicSeqs(ByteBuf in, String what) throws ProtocolException {
        need(in, 4, what);
        int count = in.readInt();
        if (count < 0 || (long) count * topicSeqBytes(0) > in.readableBytes()) {
            throw malformed(what + " claims " + count + " entries but " + in.readableBytes() + " bytes remain");
        }
        if (count == 0) {
            return Map.of();
        }
        Map<String, Long> seqs = new LinkedHashMap<>(count * 2);
        byte[] name = new byte[MAX_TOPIC_SEQ_NAME_BYTES];
        int previousLength = 0;
        for (int i = 0; i < count; i++) {
            need(in, 3, what, " entry");
            int shared = in.readUnsignedByte();
            int suffix = in.readUnsignedShort();
            if (shared > previousLength || shared + suffix > MAX_TOPIC_SEQ_NAME_BYTES) {
                throw malformed(what + " entry " + i + " has a name of " + shared + " shared + " + suffix
                        + " bytes after one of " + previousLength + " (at most " + MAX_TOPIC_SEQ_NAME_BYTES + ")");
            }
            need(in, suffix + 8, what, " entry");
            in.readBytes(name, shared, suffix);
            previousLength = shared + suffix;
            seqs.put(new String(name, 0, previousLength, StandardCharsets.UTF_8), in.readLong());
        }
        return seqs;
    }

    private static int skipBlob(ByteBuf in, String what, boolean optional) throws ProtocolException {
        need(in, 4, what, " length");
        int length = in.readInt();
        if (length == -1 && optional) {
            return -1;
        }
        if (length < 0) {
            throw malformed(what + " length " + length + " is negative");
        }
        need(in, length, what);
        in.skipBytes(length);
        return length;
    }

    private static void need(ByteBuf in, int bytes, String what) throws ProtocolException {
        if (in.readableBytes() < bytes) {
            throw malformed(what + " frame is truncated: needs " + bytes + " more bytes, has " + in.readableBytes());
        }
    }

    /** As {@link #need(ByteBuf, int, String)} for the field {@code what + detail}, joined only on failure (hot path). */
    private static void need(ByteBuf in, int bytes, String what, String detail) throws ProtocolException {
        if (in.readableBytes() < bytes) {
            need(in, bytes, what + detail);
        }
    }

    private static ProtocolException malformed(String message) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, message, true);
    }

    private static String readString(ByteBuf in, String what) throws ProtocolException {
        need(in, 2, what);
        int length = in.readUnsignedShort();
        need(in, length, what);
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }

    private static byte[] readBlob(ByteBuf in, String what, boolean optional) throws ProtocolException {
        need(in, 4, what, " length");
        int length = in.readInt();
        if (length == -1 && optional) {
            return null;
        }
        if (length < 0) {
            throw malformed(what + " length " + length + " is negative");
        }
        need(in, length, what);
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    /**
     * Reads a u16-prefixed string through the topic cache: a name seen recently costs a hash and
     * a byte comparison, not a new String. Whether it is a valid name is checked by the caller.
     */
    private String readTopic(ByteBuf in) throws ProtocolException {
        need(in, 2, "topic");
        int length = in.readUnsignedShort();
        need(in, length, "topic");
        int from = in.readerIndex();
        long h = length;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = h * 0x9E3779B97F4A7C15L + in.getLong(from + i);
        }
        for (; i < length; i++) {
            h = h * 31 + in.getByte(from + i);
        }
        int hash = (int) (h ^ (h >>> 32));
        int slot = (hash ^ (hash >>> 16)) & (INTERN_SLOTS - 1);
        byte[] cached = internBytes[slot];
        if (cached != null && cached.length == length && sameBytes(in, from, cached)) {
            in.skipBytes(length);
            return internStrings[slot];
        }
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        String s = new String(bytes, StandardCharsets.UTF_8);
        internBytes[slot] = bytes;
        internStrings[slot] = s;
        return s;
    }

    private static boolean sameBytes(ByteBuf in, int from, byte[] bytes) {
        int i = 0;
        for (; i + 8 <= bytes.length; i += 8) {
            if (in.getLong(from + i) != longAt(bytes, i)) {
                return false;
            }
        }
        for (; i < bytes.length; i++) {
            if (in.getByte(from + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    /** Big-endian long from 8 bytes, as ByteBuf.getLong reads them. */
    private static long longAt(byte[] b, int i) {
        return ((long) b[i] << 56) | ((long) (b[i + 1] & 0xFF) << 48) | ((long) (b[i + 2] & 0xFF) << 40)
                | ((long) (b[i + 3] & 0xFF) << 32) | ((long) (b[i + 4] & 0xFF) << 24) | ((b[i + 5] & 0xFF) << 16)
                | ((b[i + 6] & 0xFF) << 8) | (b[i + 7] & 0xFF);
    }
}
