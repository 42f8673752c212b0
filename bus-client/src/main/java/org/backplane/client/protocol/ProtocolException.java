package org.backplane.client.protocol;

/**
 * A frame that breaks the protocol: the only exception {@link FrameCodec#decode} throws.
 * {@code fatal} means the byte stream can no longer be trusted and the connection must be closed
 * after the error frame is sent.
 */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final boolean fatal;

    /** Creates the exception with its code, a sentence for the peer, and whether it is fatal. */
    public ProtocolException(ErrorCode code, String message, boolean fatal) {
        super(message, null, false, false);
        this.code = code;
        this.fatal = fatal;
    }

    /** The error code to send back. */
    public ErrorCode code() {
        return code;
    }

    /** True if the connection must be closed after reporting the error. */
    public boolean fatal() {
        return fatal;
    }
}
