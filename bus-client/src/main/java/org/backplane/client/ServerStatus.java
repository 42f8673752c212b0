package org.backplane.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A server's status, as answered to {@link BusClient#status()}.
 *
 * @param serverId the server's id
 * @param version the server's software version
 * @param startedAt when the server started
 * @param uptime how long it has been running
 * @param connections client connections open now
 * @param subscriptions subscriptions open now, over all connections
 * @param topics topics in the history store
 * @param published postings appended since start (not counting acked duplicates)
 * @param delivered messages sent to subscribers since start
 * @param rejected postings refused with a NACK since start
 */
public record ServerStatus(String serverId, String version, Instant startedAt, Duration uptime, int connections,
                           int subscriptions, int topics, long published, long delivered, long rejected) {}
