package org.backplane.vsync.membership;

import java.util.List;

import org.backplane.vsync.api.MemberId;

/**
 * A member reports the members of its view it currently suspects; repeated while the suspicion
 * lasts, so a report expires when it stops coming.
 *
 * @param group    the group
 * @param viewId   the member's view
 * @param suspects the suspected members
 */
public record Suspect(String group, long viewId, List<MemberId> suspects) implements MembershipMessage {

    /** Copies the list. */
    public Suspect {
        suspects = List.copyOf(suspects);
    }
}
