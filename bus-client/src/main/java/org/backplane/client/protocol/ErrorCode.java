package org.backplane.client.protocol;

/**
 * Error codes carried by NACK, SUBSCRIPTION_END and ERROR frames (u16 on the wire). The numbers
 * are part of the protocol (docs/PROTOCOL.md, "Error codes") and never change meaning.
 */
public enum ErrorCode {
    /** No error (a subscription ended because the client asked). */
    NONE(0),
    /** A topic name or pattern breaks the naming rules. */
    BAD_TOPIC(1),
    /** A posting's payload, key or headers exceed the server's max message bytes. */
    MESSAGE_TOO_LARGE(2),
    /** A frame's fields could not be parsed; the connection is closed after the error. */
    MALFORMED_FRAME(3),
    /** A frame type this server does not know; the frame is skipped. */
    UNKNOWN_FRAME(4),
    /** A frame's length prefix exceeds the max frame bytes; the connection is closed. */
    FRAME_TOO_LARGE(5),
    /** The HELLO named a protocol version or magic this server does not speak. */
    UNSUPPORTED_VERSION(6),
    /** A frame other than HELLO before the handshake, or a second HELLO. */
    HANDSHAKE_REQUIRED(7),
    /** The connection already has the maximum number of subscriptions. */
    TOO_MANY_SUBSCRIPTIONS(8),
    /** A SUBSCRIBE reused the id of a subscription that is still open. */
    DUPLICATE_SUBSCRIPTION(9),
    /** A CREDIT or UNSUBSCRIBE named a subscription that is not open. */
    UNKNOWN_SUBSCRIPTION(10),
    /** The server is shutting down and accepts no more postings or subscriptions. */
    SHUTTING_DOWN(11),
    /** The history store failed to append; the posting was not stored. */
    STORE_FAILURE(12),
    /**
     * A retried posting whose producer sequence is older than the server's dedup window: the
     * server cannot tell whether it was appended, so it refuses it rather than risk a duplicate.
     */
    DEDUP_WINDOW_EXCEEDED(13),
    /** A request field is out of range (for example a negative credit or start value). */
    BAD_REQUEST(14),
    /** The server failed unexpectedly; the message says how. */
    INTERNAL(15),
    /** The server already has its maximum number of connections; the connection is closed. */
    TOO_MANY_CONNECTIONS(16);

    private static final ErrorCode[] BY_CODE = new ErrorCode[17];

    static {
        for (ErrorCode e : values()) {
            BY_CODE[e.code] = e;
        }
    }

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The u16 wire value. */
    public int code() {
        return code;
    }

    /** The code for a wire value; unknown values map to {@link #INTERNAL}. */
    public static ErrorCode of(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : INTERNAL;
    }
}
