package org.backplane.server;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.backplane.client.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The single-node {@link Orderer}: the total order is the order in which session batches reach
 * one queue, and every delivery runs on one thread, the <em>delivery loop</em> (a Netty event
 * loop, so the history store keeps its single writer). A session whose connection is served by
 * that same loop delivers its batch inline, at the end of its socket read: no thread handoff
 * between reading a posting, appending it, acking it and waking its subscribers (the live path's
 * latency, issue 2). A session on another loop queues its batch and wakes the delivery loop once
 * (one handoff per batch, not per posting); the loop takes everything queued at once. When idle
 * the loop sleeps in its selector (no spinning) and runs housekeeping every 100 ms.
 */
final class LocalOrderer implements Orderer {
    private static final Logger log = LoggerFactory.getLogger(LocalOrderer.class);
    private static final long TICK_MS = 100;
    /** Most postings handed to the sink at once, and delivered in one turn before yielding to I/O. */
    private static final int MAX_BATCH = 16_384;

    private final Queue<List<Submission>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final OrderedSink sink;
    private final Clock clock;
    private final EventLoop loop;
    private final Runnable drainTask = () -> {
        scheduled.set(false);
        drain(MAX_BATCH);
    };
    private volatile boolean closed;

    // delivery-loop state
    private final List<Submission> combined = new ArrayList<>();
    private boolean draining;
    private ScheduledFuture<?> ticker;

    /** An orderer delivering to {@code sink} on {@code loop}; {@link #start()} starts housekeeping. */
    LocalOrderer(OrderedSink sink, Clock clock, EventLoop loop) {
        this.sink = sink;
        this.clock = clock;
        this.loop = loop;
    }

    /** Starts the 100 ms housekeeping tick on the delivery loop. */
    void start() {
        ticker = loop.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** True if the calling thread is the delivery loop (where {@link OrderedSink} runs). */
    boolean inDeliveryLoop() {
        return loop.inEventLoop();
    }

    @Override
    public void submit(List<Submission> batch) {
        if (closed) {
            refuse(batch);
            return;
        }
        queue.add(batch);
        if (loop.inEventLoop()) {
            drain(MAX_BATCH); // a session on the delivery loop: deliver at once
        } else if (!scheduled.getAndSet(true)) {
            execute(drainTask);
        }
        if (closed && queue.remove(batch)) {
            refuse(batch); // raced with close: the final drain may already be over
        }
    }

    private void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // the loop is shutting down: close() refuses what is left in the queue
        }
    }

    private static void refuse(List<Submission> batch) {
        for (Submission s : batch) {
            s.release();
            s.origin().onOutcomes(List.of(Outcome.refused(s.producerSeq(), ErrorCode.SHUTTING_DOWN,
                    "server is shutting down; posting not stored")));
        }
    }

    /**
     * Delivers queued batches in queue order, in sink batches of at most {@link #MAX_BATCH}
     * postings, until the queue is empty or {@code budget} postings went out (then it leaves the
     * rest to a task, so a stream from other loops cannot starve this loop's own connections).
     * Delivery loop; a call made while a delivery is running (a connection closing under an ack
     * write, say) leaves its batch to a task.
     */
    private void drain(int budget) {
        if (draining) {
            if (!scheduled.getAndSet(true)) {
                execute(drainTask);
            }
            return;
        }
        draining = true;
        try {
            int delivered = 0;
            List<Submission> next;
            while (delivered < budget && (next = queue.poll()) != null) {
                if (!combined.isEmpty() && combined.size() + next.size() > MAX_BATCH) {
                    delivered += deliver();
                }
                combined.addAll(next);
            }
            if (!combined.isEmpty()) {
                deliver();
            }
        } finally {
            draining = false;
        }
        if (!queue.isEmpty() && !scheduled.getAndSet(true)) {
            execute(drainTask);
        }
    }

    /**
     * Hands the combined batch to the sink. A failure there must not stop deliveries (every later
     * posting would hang): it is logged, and the publishers of that batch, left without answers,
     * time out and retry, which the store's dedup makes safe.
     */
    private int deliver() {
        int n = combined.size();
        try {
            sink.deliver(combined);
        } catch (RuntimeException e) {
            log.error("delivering a batch of {} postings failed; their publishers will retry", n, e);
        }
        combined.clear();
        return n;
    }

    private void tick() {
        try {
            sink.tick(clock.millis());
        } catch (RuntimeException e) {
            log.error("housekeeping failed: {}", e.toString(), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.submit(() -> {
                drain(Integer.MAX_VALUE);
                if (ticker != null) {
                    ticker.cancel(false);
                }
            }).get(30, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            log.warn("delivery loop already stopped; refusing what was queued");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("delivering what was queued at shutdown did not finish within 30 s: {}", e.toString());
        }
        List<Submission> left;
        while ((left = queue.poll()) != null) {
            refuse(left);
        }
    }
}
