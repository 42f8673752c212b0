package org.backplane.vsync.flush;

import java.util.List;
import java.util.Map;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.View;

/**
 * The value a flush agrees on: the cut of view {@code fromViewId} and the view that follows, with
 * who left cleanly and which member gives state to which joiner.
 *
 * @param fromViewId the view being closed (0 for the decision that founds a group)
 * @param next       the next view
 * @param cut        what the survivors deliver in the closed view (null when founding)
 * @param leavers    members that asked to leave and are not in {@code next}
 * @param transfers  joiner (or member still waiting for state) to donor
 */
public record Decision(long fromViewId, View next, Cut cut, List<MemberId> leavers, Map<MemberId, MemberId> transfers) {

    /** Copies the collections. */
    public Decision {
        leavers = List.copyOf(leavers);
        transfers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(transfers));
    }
}
