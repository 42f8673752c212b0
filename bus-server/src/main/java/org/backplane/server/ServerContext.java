package org.backplane.server;

import org.backplane.history.HistoryStore;

/**
 * What every session of one server shares: config, store, orderer, subscription registry,
 * counters, and whether the server is shutting down. Thread-safe.
 */
final class ServerContext {
    final ServerConfig config;
    final HistoryStore store;
    final Orderer orderer;
    final SubscriptionRegistry registry;
    final ServerMetrics metrics;
    final long startedAtMillis;
    volatile boolean shuttingDown;
    /** The server id (set once the listen port is known, before any connection). */
    volatile String serverId;

    ServerContext(ServerConfig config, HistoryStore store, Orderer orderer, SubscriptionRegistry registry,
                  ServerMetrics metrics, long startedAtMillis) {
        this.config = config;
        this.store = store;
        this.orderer = orderer;
        this.registry = registry;
        this.metrics = metrics;
        this.startedAtMillis = startedAtMillis;
    }
}
