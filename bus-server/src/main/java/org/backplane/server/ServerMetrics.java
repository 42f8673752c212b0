package org.backplane.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters, updated from any thread, read for STATUS. */
final class ServerMetrics {
    final LongAdder published = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger subscriptions = new AtomicInteger();
}
