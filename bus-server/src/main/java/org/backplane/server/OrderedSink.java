package org.backplane.server;

import java.util.List;

/** Receives submissions in total order, on the one delivery loop (a single thread; {@link Delivery}). */
interface OrderedSink {
    /** One ordered batch: number, append, commit, answer origins, wake subscribers. */
    void deliver(List<Submission> ordered);

    /** Periodic housekeeping (retention), about every 100 ms, also when idle. */
    void tick(long nowMillis);
}
