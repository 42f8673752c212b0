package org.backplane.vsync.api;

import java.util.List;

/**
 * One membership view of a group: its id and its members ranked by age (the oldest first; the
 * oldest coordinates and, for ABCAST, sequences). View ids increase strictly along the one
 * chain of primary views (GUARANTEES V1, V2). Immutable; usable from any thread.
 *
 * @param id      the view id, 1 for the view that created the group
 * @param members the members, oldest first, without duplicates
 */
public record View(long id, List<MemberId> members) {

    /** Copies the member list and checks it. */
    public View {
        members = List.copyOf(members);
        if (id < 1) {
            throw new IllegalArgumentException("view id must be >= 1: " + id);
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a view has at least one member");
        }
        if (members.stream().distinct().count() != members.size()) {
            throw new IllegalArgumentException("duplicate member in view " + members);
        }
    }

    /** The member's rank (0 = oldest), or -1 when it is not in this view. */
    public int rankOf(MemberId member) {
        return members.indexOf(member);
    }

    /** Whether the member is in this view. */
    public boolean contains(MemberId member) {
        return members.contains(member);
    }

    /** The number of members. */
    public int size() {
        return members.size();
    }

    /** The coordinator (and ABCAST sequencer) of this view: the oldest member. */
    public MemberId coordinator() {
        return members.get(0);
    }

    @Override
    public String toString() {
        return "v" + id + members;
    }
}
