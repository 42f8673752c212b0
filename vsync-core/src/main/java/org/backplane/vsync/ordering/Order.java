package org.backplane.vsync.ordering;

/**
 * A batch of ABCAST order records from the view's sequencer (PROTOCOL-NOTES §2.4): positions
 * {@code firstPosition, firstPosition + 1, ...} of the view's total order are the messages
 * {@code (ranks[i], seqs[i])}. Only message ids travel here; payloads go from their senders.
 *
 * @param group         the group
 * @param viewId        the view
 * @param firstPosition the position of the first record (1-based)
 * @param ranks         sender ranks; not copied
 * @param seqs          sender sequence numbers; not copied
 */
public record Order(String group, long viewId, long firstPosition, int[] ranks, long[] seqs)
        implements OrderingMessage {

    /** Checks the arrays agree. */
    public Order {
        if (ranks.length != seqs.length || ranks.length == 0 || firstPosition < 1) {
            throw new IllegalArgumentException("malformed order batch");
        }
    }

    @Override
    public int approxBytes() {
        return 24 + ranks.length * 12;
    }
}
