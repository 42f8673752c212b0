package org.backplane.client.protocol;

/**
 * The frame type byte that follows every frame's length prefix (docs/PROTOCOL.md, "Frames").
 * Values are part of the protocol and never change meaning.
 */
public final class FrameType {
    private FrameType() {}

    /** Client to server, first frame: magic, protocol version, producer id, client name. */
    public static final int HELLO = 0x01;
    /** Server to client, answer to HELLO: version, server id and the limits it enforces. */
    public static final int WELCOME = 0x02;
    /** Either direction: keepalive probe. */
    public static final int PING = 0x03;
    /** Either direction: answer to PING with the same nonce. */
    public static final int PONG = 0x04;
    /** Server to client: a connection-level error (malformed or unknown frame, ...). */
    public static final int ERROR = 0x05;
    /** Client to server: one posting. */
    public static final int PUBLISH = 0x10;
    /** Server to client: a posting was appended (or was a duplicate of an appended one). */
    public static final int ACK = 0x11;
    /** Server to client: a posting was refused, with the reason. */
    public static final int NACK = 0x12;
    /** Server to client: a run of consecutive postings to one topic, stored at consecutive seqs. */
    public static final int ACK_RANGE = 0x13;
    /** Client to server: open a subscription. */
    public static final int SUBSCRIBE = 0x20;
    /** Server to client: the subscription is open. */
    public static final int SUBSCRIBED = 0x21;
    /** Server to client: binds a connection-scoped alias number to a topic name. */
    public static final int TOPIC_ALIAS = 0x22;
    /** Server to client: one delivered posting. */
    public static final int MESSAGE = 0x23;
    /** Client to server: permission to send more messages on a subscription. */
    public static final int CREDIT = 0x24;
    /** Client to server: close a subscription. */
    public static final int UNSUBSCRIBE = 0x25;
    /** Server to client: a subscription is closed (answer to UNSUBSCRIBE, or an error). */
    public static final int SUBSCRIPTION_END = 0x26;
    /** Server to client, before SUBSCRIBED: where a "now" or "last N" subscription starts in each topic. */
    public static final int START_SEQS = 0x27;
    /** Client to server: list topics matching a pattern. */
    public static final int TOPICS = 0x30;
    /** Server to client: answer to TOPICS. */
    public static final int TOPICS_REPLY = 0x31;
    /** Client to server: ask for server status. */
    public static final int STATUS = 0x32;
    /** Server to client: answer to STATUS. */
    public static final int STATUS_REPLY = 0x33;

    /** The frame type's name for logs and errors, or {@code 0x..} for an unknown one. */
    public static String name(int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case WELCOME -> "WELCOME";
            case PING -> "PING";
            case PONG -> "PONG";
            case ERROR -> "ERROR";
            case PUBLISH -> "PUBLISH";
            case ACK -> "ACK";
            case NACK -> "NACK";
            case ACK_RANGE -> "ACK_RANGE";
            case SUBSCRIBE -> "SUBSCRIBE";
            case SUBSCRIBED -> "SUBSCRIBED";
            case TOPIC_ALIAS -> "TOPIC_ALIAS";
            case MESSAGE -> "MESSAGE";
            case CREDIT -> "CREDIT";
            case UNSUBSCRIBE -> "UNSUBSCRIBE";
            case SUBSCRIPTION_END -> "SUBSCRIPTION_END";
            case START_SEQS -> "START_SEQS";
            case TOPICS -> "TOPICS";
            case TOPICS_REPLY -> "TOPICS_REPLY";
            case STATUS -> "STATUS";
            case STATUS_REPLY -> "STATUS_REPLY";
            default -> String.format("0x%02x", type);
        };
    }
}
