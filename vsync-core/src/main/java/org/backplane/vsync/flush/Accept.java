package org.backplane.vsync.flush;

import java.util.List;

import org.backplane.vsync.multicast.Data;

/**
 * Phase 2: the leader proposes the decision, and hands each participant the messages of absent
 * senders that it lacks (a participant fetches nothing; surviving senders' messages reach it
 * over their own links).
 *
 * @param group    the group
 * @param viewId   the view being closed
 * @param ballot   the ballot
 * @param decision the proposed cut and next view
 * @param missing  messages of absent senders this participant lacks
 */
public record Accept(String group, long viewId, Ballot ballot, Decision decision, List<Data> missing)
        implements FlushMessage {

    /** Copies the list. */
    public Accept {
        missing = List.copyOf(missing);
    }

    @Override
    public int approxBytes() {
        int b = 128 + decision.next().size() * 24 + decision.cut().orderRanks().length * 12;
        for (Data d : missing) {
            b += d.approxBytes();
        }
        return b;
    }
}
