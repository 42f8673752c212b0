package org.backplane.client;

/**
 * Receives a subscription's messages, one at a time, in order. By default on the subscription's
 * own dispatch thread (never on the client's I/O thread): a slow handler delays only its own
 * subscription, which then stops granting the server credits so the server stops sending. With
 * {@link Dispatch#IO_THREAD} on the client's I/O thread instead, for handlers that never block.
 * An exception thrown by the handler is reported to the {@link ConnectionListener#error} and the
 * next message is still delivered.
 */
@FunctionalInterface
public interface MessageHandler {
    /** Handles one message; called on the thread the subscription's {@link Dispatch} names. */
    void onMessage(BusMessage message);
}
