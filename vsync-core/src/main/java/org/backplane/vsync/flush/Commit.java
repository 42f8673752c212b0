package org.backplane.vsync.flush;

/**
 * Phase 3: the decision is chosen; members deliver the cut and install the next view. Also sent
 * to joiners, to leavers and (as catch-up) to any member that missed it.
 *
 * @param group    the group
 * @param viewId   the view closed (the decision's {@code fromViewId})
 * @param ballot   the ballot that chose it
 * @param decision the decision
 */
public record Commit(String group, long viewId, Ballot ballot, Decision decision) implements FlushMessage {

    @Override
    public int approxBytes() {
        return 128 + decision.next().size() * 24 + (decision.cut() == null ? 0 : decision.cut().orderRanks().length * 12);
    }
}
