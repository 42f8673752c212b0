package org.backplane.vsync.flush;

import java.util.List;

import org.backplane.vsync.api.MemberId;

/**
 * Phase 1: the leader asks the participants to wedge (stop sending and delivering) and report
 * what they hold. Carries the commit that created the current view so that a member that missed
 * it can install it first.
 *
 * @param group        the group
 * @param viewId       the view being closed
 * @param ballot       the leader's ballot
 * @param participants the members asked (those the leader does not suspect)
 * @param lastCommit   the commit that created view {@code viewId}
 */
public record Prepare(String group, long viewId, Ballot ballot, List<MemberId> participants, Commit lastCommit)
        implements FlushMessage {

    /** Copies the list. */
    public Prepare {
        participants = List.copyOf(participants);
    }
}
