package org.backplane.samples.trading;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last seq a subscriber has received per topic, and whether it has caught up with a set of
 * seqs (say, the last ones the feed got acked). Written by one subscription's dispatch thread,
 * read from any thread.
 */
final class LastSeqs {
    private final Map<String, Long> seqs = new ConcurrentHashMap<>();

    /** Records that {@code seq} of {@code topic} was received. */
    void received(String topic, long seq) {
        seqs.put(topic, seq);
    }

    /** The last seq received on {@code topic}, or null if none. */
    Long last(String topic) {
        return seqs.get(topic);
    }

    /** True once, for every topic in {@code targets}, at least that seq was received. */
    boolean reached(Map<String, Long> targets) {
        for (Map.Entry<String, Long> e : targets.entrySet()) {
            if (seqs.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
