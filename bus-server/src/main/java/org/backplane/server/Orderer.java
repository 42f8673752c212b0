package org.backplane.server;

import java.util.List;

/**
 * The ordering step of the delivery path (ARCHITECTURE.md "Topics on the engine", steps 2-3):
 * sessions submit validated postings in batches; the orderer puts all submissions of all
 * sessions in one total order (keeping each session's FIFO order) and hands them, in that order
 * and in batches, to an {@link OrderedSink} on a single delivery thread (the delivery loop). The
 * single-node server uses {@link LocalOrderer}; the clustered bus replaces it with the engine's ABCAST without
 * touching sessions or {@link Delivery}.
 */
interface Orderer extends AutoCloseable {
    /**
     * Submits a batch from one session, in that session's order. Any thread; never waits for
     * another thread (called on the delivery loop itself, it may deliver the batch before it
     * returns).
     */
    void submit(List<Submission> batch);

    /**
     * Stops taking submissions, delivers everything already submitted, then stops the delivery
     * thread. Idempotent; blocks until done.
     */
    @Override
    void close();
}
