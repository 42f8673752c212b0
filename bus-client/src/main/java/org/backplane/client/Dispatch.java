package org.backplane.client;

/**
 * Which thread runs a subscription's {@link MessageHandler} ({@link BusClient#subscribe(String,
 * StartPosition, Dispatch, MessageHandler)}).
 */
public enum Dispatch {
    /**
     * The subscription's own dispatch thread (the default, and the safe choice): the client's I/O
     * thread hands each socket read's messages over, so a slow or blocking handler delays only its
     * own subscription, which then stops granting the server credits.
     */
    OWN_THREAD,
    /**
     * The client's I/O thread, as each message is decoded: one thread handoff less per message
     * (lower latency and less CPU, like the NATS and Aeron clients' inline handlers), for handlers
     * that promise to be quick and never block. While such a handler runs the client reads
     * nothing else (no acks, no other subscription's messages, no pings), and the blocking client
     * methods ({@code publishSync}, {@code subscribe}, {@code flush}, ...) throw
     * {@link IllegalStateException} when called from it; {@code publish} does not block there
     * unless the in-flight window is full, in which case it fails at once.
     */
    IO_THREAD
}
