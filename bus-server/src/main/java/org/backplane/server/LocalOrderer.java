package org.backplane.server;

import org.backplane.client.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The single-node {@link Orderer}: the total order is the order in which session batches reach
 * one queue. Its one thread ({@code bus-delivery}) takes everything queued at once (one handoff
 * per batch, not per posting), and hands it to the {@link OrderedSink} on the same thread; it
 * blocks on the queue when idle (no spinning) and wakes every 100 ms for housekeeping.
 */
final class LocalOrderer implements Orderer {
    private static final Logger log = LoggerFactory.getLogger(LocalOrderer.class);
    private static final long TICK_MS = 100;
    private static final int MAX_BATCH = 16_384;

    private final LinkedBlockingQueue<List<Submission>> queue = new LinkedBlockingQueue<>();
    private final OrderedSink sink;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean closed;

    LocalOrderer(OrderedSink sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
        this.thread = new Thread(this::run, "bus-delivery");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void submit(List<Submission> batch) {
        if (closed) {
            refuse(batch);
            return;
        }
        queue.add(batch);
        if (closed && queue.remove(batch)) {
            refuse(batch); // raced with close: the delivery thread may already be gone
        }
    }

    private static void refuse(List<Submission> batch) {
        for (Submission s : batch) {
            s.release();
            s.origin().onOutcomes(List.of(Outcome.refused(s.producerSeq(), ErrorCode.SHUTTING_DOWN,
                    "server is shutting down; posting not stored")));
        }
    }

    private void run() {
        long lastTick = 0;
        List<Submission> combined = new ArrayList<>();
        List<List<Submission>> drained = new ArrayList<>();
        while (true) {
            List<Submission> first;
            try {
                first = queue.poll(TICK_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            long now = clock.millis();
            if (now - lastTick >= TICK_MS) {
                lastTick = now;
                try {
                    sink.tick(now);
                } catch (RuntimeException e) {
                    log.error("housekeeping failed: {}", e.toString(), e);
                }
            }
            if (first == null) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            combined.addAll(first);
            queue.drainTo(drained);
            for (List<Submission> more : drained) {
                if (combined.size() >= MAX_BATCH) {
                    deliver(combined);
                }
                combined.addAll(more);
            }
            drained.clear();
            if (!combined.isEmpty()) {
                deliver(combined);
            }
            if (closed && queue.isEmpty()) {
                return;
            }
        }
    }

    /**
     * Hands one ordered batch to the sink. A failure there must not end the delivery thread (every
     * later posting would hang): it is logged, and the publishers of that batch, left without
     * answers, time out and retry, which the store's dedup makes safe.
     */
    private void deliver(List<Submission> batch) {
        try {
            sink.deliver(batch);
        } catch (RuntimeException e) {
            log.error("delivering a batch of {} postings failed; their publishers will retry", batch.size(), e);
        }
        batch.clear();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(List.of()); // wakes the thread; never interrupt it (an interrupt closes Chronicle's file channels)
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("delivery thread did not finish within 30 s");
        }
        List<Submission> left;
        while ((left = queue.poll()) != null) {
            refuse(left);
        }
    }
}
