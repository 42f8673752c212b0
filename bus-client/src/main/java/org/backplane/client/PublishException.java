package org.backplane.client;

import org.backplane.client.protocol.ErrorCode;

/**
 * The server refused a posting (a NACK) and did not store it, or the client gave up on it
 * (window full, timed out, client closed). {@link #code()} says why in machine form, the message
 * in words.
 */
public final class PublishException extends BusException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /** Creates the exception with the server's (or the client's) code and sentence. */
    public PublishException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** Why the posting was refused; {@link ErrorCode#INTERNAL} for client-side failures such as timeouts. */
    public ErrorCode code() {
        return code;
    }
}
