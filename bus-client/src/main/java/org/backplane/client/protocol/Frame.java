package org.backplane.client.protocol;

import java.util.List;
import java.util.Map;

/**
 * Every frame of the client protocol as a record; {@link FrameCodec} turns them into bytes and
 * back exactly as docs/PROTOCOL.md describes. Byte-array fields are owned by the record once
 * built (not copied); {@code null} means absent where the field is optional (key, headers).
 */
public sealed interface Frame {
    /** The frame type byte ({@link FrameType}). */
    int type();

    /** First client frame. {@code producerId} is chosen by the client and kept across reconnects. */
    record Hello(int protocolVersion, long producerId, String clientName) implements Frame {
        public int type() { return FrameType.HELLO; }
    }

    /** Answer to HELLO: the server's identity and the limits it enforces on this connection. */
    record Welcome(int protocolVersion, String serverId, String serverVersion, int maxFrameBytes,
                   int maxMessageBytes, int maxInFlight, int maxSubscriptions) implements Frame {
        public int type() { return FrameType.WELCOME; }
    }

    /** Keepalive probe; the peer answers with a {@link Pong} carrying the same nonce. */
    record Ping(long nonce) implements Frame {
        public int type() { return FrameType.PING; }
    }

    /** Answer to {@link Ping}. */
    record Pong(long nonce) implements Frame {
        public int type() { return FrameType.PONG; }
    }

    /** A connection-level error; {@code closing} says the server closes the connection after it. */
    record ErrorFrame(ErrorCode code, boolean closing, String message) implements Frame {
        public int type() { return FrameType.ERROR; }
    }

    /** One posting. {@code key} and {@code headers} may be null (absent). */
    record Publish(long producerId, long producerSeq, String topic, byte[] key, byte[] headers,
                   byte[] payload) implements Frame {
        public int type() { return FrameType.PUBLISH; }
    }

    /** The posting {@code producerSeq} is in {@code topic} at {@code seq}. */
    record Ack(long producerSeq, String topic, long seq, long timestampMillis) implements Frame {
        public int type() { return FrameType.ACK; }
    }

    /**
     * The postings {@code firstProducerSeq + i} are in {@code topic} at {@code firstSeq + i}, for
     * i in [0, count), all appended at {@code timestampMillis}: one frame for a run of acks.
     */
    record AckRange(long firstProducerSeq, int count, String topic, long firstSeq, long timestampMillis)
            implements Frame {
        public int type() { return FrameType.ACK_RANGE; }
    }

    /** The posting {@code producerSeq} was refused and not stored. */
    record Nack(long producerSeq, ErrorCode code, String message) implements Frame {
        public int type() { return FrameType.NACK; }
    }

    /**
     * Open subscription {@code subscriptionId} (chosen by the client, unique among its open
     * subscriptions on this connection) on {@code pattern} from {@code start}, with
     * {@code credits} messages the server may send before it needs a {@link Credit}.
     */
    record Subscribe(int subscriptionId, String pattern, WireStart start, int credits) implements Frame {
        public int type() { return FrameType.SUBSCRIBE; }
    }

    /**
     * Where subscription {@code subscriptionId}, opened at {@link WireStart#END} or
     * {@link WireStart#LAST_N}, starts in each topic that matched when its cursor opened: topic to
     * the first seq it delivers there (topics whose start is seq 1 are left out). Sent in one or
     * more frames before {@link Subscribed}; a client resuming the subscription (on this server or
     * another, which numbers topics identically) continues an unseen topic at that seq.
     */
    record StartSeqs(int subscriptionId, Map<String, Long> startSeqs) implements Frame {
        public int type() { return FrameType.START_SEQS; }
    }

    /** Subscription {@code subscriptionId} is open; {@code serverTimeMillis} is when its cursor opened. */
    record Subscribed(int subscriptionId, long serverTimeMillis) implements Frame {
        public int type() { return FrameType.SUBSCRIBED; }
    }

    /** From now on, on this connection, {@code alias} in a MESSAGE means {@code topic}. */
    record TopicAlias(int alias, String topic) implements Frame {
        public int type() { return FrameType.TOPIC_ALIAS; }
    }

    /** One delivered posting for subscription {@code subscriptionId}; the topic is by alias. */
    record Message(int subscriptionId, int alias, long seq, long timestampMillis, byte[] key,
                   byte[] headers, byte[] payload) implements Frame {
        public int type() { return FrameType.MESSAGE; }
    }

    /** The client may receive {@code credits} more messages on the subscription. */
    record Credit(int subscriptionId, int credits) implements Frame {
        public int type() { return FrameType.CREDIT; }
    }

    /** Close the subscription; the server answers with SUBSCRIPTION_END (code NONE). */
    record Unsubscribe(int subscriptionId) implements Frame {
        public int type() { return FrameType.UNSUBSCRIBE; }
    }

    /** The subscription is closed: asked for ({@code NONE}) or refused/failed (the reason). */
    record SubscriptionEnd(int subscriptionId, ErrorCode code, String message) implements Frame {
        public int type() { return FrameType.SUBSCRIPTION_END; }
    }

    /** List the topics matching {@code pattern}. */
    record TopicsRequest(int requestId, String pattern) implements Frame {
        public int type() { return FrameType.TOPICS; }
    }

    /** Answer to TOPICS, sorted by name; an empty list with an error is sent as an ERROR frame. */
    record TopicsReply(int requestId, List<TopicEntry> topics) implements Frame {
        public int type() { return FrameType.TOPICS_REPLY; }
    }

    /** One topic in a {@link TopicsReply}. */
    record TopicEntry(String name, long retainedCount, long firstSeq, long lastSeq, long retainedBytes,
                      long lastTimestampMillis) {}

    /** Ask for the server's status. */
    record StatusRequest(int requestId) implements Frame {
        public int type() { return FrameType.STATUS; }
    }

    /** Answer to STATUS. */
    record StatusReply(int requestId, String serverId, String serverVersion, long startedAtMillis,
                       long uptimeMillis, int connections, int subscriptions, int topics, long published,
                       long delivered, long rejected) implements Frame {
        public int type() { return FrameType.STATUS_REPLY; }
    }

    /**
     * Where a subscription starts: {@code kind} ({@link #BEGINNING}, {@link #AT_SEQ},
     * {@link #AT_TIME}, {@link #LAST_N}, {@link #END}) with its {@code value} (seq, epoch millis,
     * or N; 0 otherwise). A non-empty {@code resume} map (topic to next seq) takes precedence for
     * the topics it names; the kind applies to the others (a reconnecting client's resume).
     */
    record WireStart(int kind, long value, Map<String, Long> resume) {
        /** From each topic's first retained posting. */
        public static final int BEGINNING = 0;
        /** From seq {@code value} of each matching topic. */
        public static final int AT_SEQ = 1;
        /** From the first posting with timestamp at or after {@code value} (epoch millis). */
        public static final int AT_TIME = 2;
        /** The last {@code value} retained postings of each matching topic. */
        public static final int LAST_N = 3;
        /** Only postings appended after the subscription opens. */
        public static final int END = 4;

        /** Validates kind and value. */
        public WireStart {
            if (kind < BEGINNING || kind > END) {
                throw new IllegalArgumentException("unknown start kind " + kind);
            }
            if (value < 0) {
                throw new IllegalArgumentException("start value must be >= 0, is " + value);
            }
            resume = resume == null ? Map.of() : resume;
        }
    }
}
