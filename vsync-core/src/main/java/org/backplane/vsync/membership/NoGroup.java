package org.backplane.vsync.membership;

/**
 * A process that is not a member answers a join request: it knows no such group here.
 *
 * @param group   the group
 * @param viewId  0
 * @param joining whether the answering process is itself trying to join (the lowest id among
 *                such processes founds the group)
 */
public record NoGroup(String group, long viewId, boolean joining) implements MembershipMessage {
}
