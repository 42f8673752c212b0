package org.backplane.client;

/**
 * Hears about the client's connection. Every method has a no-op default, so implement only what
 * you need. Called on the client's I/O thread: return quickly and never block (no publishSync,
 * topics or status calls from here).
 */
public interface ConnectionListener {
    /** The first connection is up; {@code server} is {@code host:port}, {@code serverId} the server's id. */
    default void connected(String server, String serverId) {}

    /** The connection to {@code server} was lost; the client is reconnecting. {@code cause} may be null. */
    default void disconnected(String server, Throwable cause) {}

    /** A new connection is up after a loss; subscriptions were resumed and unacked postings re-sent. */
    default void reconnected(String server, String serverId) {}

    /**
     * Something went wrong that no call returns: an ERROR frame from the server, a handler that
     * threw, a reconnect attempt that failed, or the client giving up.
     */
    default void error(String message, Throwable cause) {}
}
