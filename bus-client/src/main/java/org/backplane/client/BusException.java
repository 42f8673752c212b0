package org.backplane.client;

/**
 * A client operation failed: could not connect, the connection was lost for good, a request
 * timed out, or the client is closed. The message says which, in one sentence.
 */
public class BusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a sentence saying what failed. */
    public BusException(String message) {
        super(message);
    }

    /** Creates the exception with a sentence and its cause. */
    public BusException(String message, Throwable cause) {
        super(message, cause);
    }
}
