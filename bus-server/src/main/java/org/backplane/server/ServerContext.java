package org.backplane.server;

import org.backplane.history.HistoryStore;

import java.time.Clock;

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
    /** Wall clock for timestamps (appends, SUBSCRIBED, STATUS); the system clock except in tests. */
    final Clock clock;
    final long startedAtMillis;
    volatile boolean shuttingDown;
    /** The server id (set once the listen port is known, before any connection). */
    volatile String serverId;

    ServerContext(ServerConfig config, HistoryStore store, Orderer orderer, SubscriptionRegistry registry,
                  ServerMetrics metrics, Clock clock, long startedAtMillis) {
        this.config = config;
        this.store = store;
        this.orderer = orderer;
        this.registry = registry;
        this.metrics = metrics;
        this.clock = clock;
        this.startedAtMillis = startedAtMillis;
    }
}
