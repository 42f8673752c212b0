package org.backplane.vsync.api;

import java.util.List;

/**
 * A view installed at this member, with what changed since the previous view this member
 * installed. Handed to {@link GroupListener#onView(ViewChange)} on the group's delivery thread.
 *
 * @param view   the new view
 * @param joined members new in this view (this member itself when it has just joined)
 * @param left   members that left cleanly
 * @param failed members dropped because they were suspected to have failed
 */
public record ViewChange(View view, List<MemberId> joined, List<MemberId> left, List<MemberId> failed) {

    /** Copies the lists. */
    public ViewChange {
        joined = List.copyOf(joined);
        left = List.copyOf(left);
        failed = List.copyOf(failed);
    }
}
